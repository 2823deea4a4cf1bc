import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { echoMessages } from './http2-grpc-test-server.ts';

// gRPC posts over TLS: a node:http2 secure server with a self-signed certificate for
// localhost, trusted by the client process through NODE_EXTRA_CA_CERTS (as a user's own CA
// would be). The server records the ALPN protocol and :scheme each call came with.

const dir = mkdtempSync(join(tmpdir(), 'grpc-tls-'));
const seen: Array<{ alpn: string | false | undefined; scheme: string | undefined; path: string | undefined }> = [];
let server: http2.Http2SecureServer;
let port = 0;

beforeAll(async () => {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  server = http2.createSecureServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), ALPNProtocols: ['h2'] });
  server.on('stream', (stream, headers) => {
    seen.push({ alpn: stream.session?.alpnProtocol, scheme: headers[':scheme'], path: headers[':path'] });
    stream.on('error', () => undefined);
    echoMessages(stream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

it('posts unary and on the Call stream over TLS, negotiating h2 by ALPN', async () => {
  // Not spawnSync: the server answering the child lives in this process's event loop.
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./grpc-tls-post-child.ts', import.meta.url)), String(port)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const outcomes = JSON.parse(stdout.trim().split('\n').at(-1)!);
  expect(outcomes).toEqual({ unary: { status: 'ok', id: 'tls-unary' }, stream: { status: 'ok', id: 'tls-stream' } });
  expect(seen).toEqual([
    { alpn: 'h2', scheme: 'https', path: '/jina.JinaSingleDataRequestRPC/process_single_data' },
    { alpn: 'h2', scheme: 'https', path: '/jina.JinaRPC/Call' },
  ]);
});
