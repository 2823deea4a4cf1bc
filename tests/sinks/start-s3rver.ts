import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import type { S3Connection } from '../../src/sinks/s3-connection.ts';

export interface RunningS3rver {
  connection: S3Connection;
  /** Close the listener and cut every open connection: the store "goes away". */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** s3rver in this process on 127.0.0.1, port 0, with its own temp directory and buckets. */
export async function startS3rver(buckets: string[]): Promise<RunningS3rver> {
  const directory = await mkdtemp(join(tmpdir(), 's3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  const sockets = new Set<Socket>();
  server.httpServer.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let isRunning = true;
  const kill = async (): Promise<void> => {
    if (!isRunning) return;
    isRunning = false;
    const closed = new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return {
    // s3rver checks signatures against its fixed key pair.
    connection: { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, maxAttempts: 2 },
    kill,
    stop: async () => {
      await kill();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
