import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createAgent } from '../agent/create-agent.ts';
import type { DaemonAddress } from '../config/plan.ts';

export interface EmbeddedAgent {
  address: DaemonAddress;
  close(): Promise<void>;
}

/**
 * The agent the default run uses when the config names no daemon: on loopback, a free port,
 * workspaces in a temporary folder, flows on the reference runtime. Closing it stops every
 * flow it still runs, so an interrupted run leaves nothing behind.
 */
export async function startEmbeddedAgent(_reportsDir: string): Promise<EmbeddedAgent> {
  const workspaceRoot = await mkdtemp(join(tmpdir(), 'jina-stress-agent-'));
  const agent = createAgent({ host: '127.0.0.1', port: 0, workspaceRoot });
  const { host, port } = await agent.listen();
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await agent.close();
      await rm(workspaceRoot, { recursive: true, force: true });
    })());
  const onSignal = () => void close();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Vitest exits 1 ms after Ctrl+C, before close() gets far: the agent's own exit hook kills
  // its Flow process groups, and this removes the workspaces folder, synchronously.
  process.once('exit', () => rmSync(workspaceRoot, { recursive: true, force: true }));
  return { address: { host, port }, close };
}
