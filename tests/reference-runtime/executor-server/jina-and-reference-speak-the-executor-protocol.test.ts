import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGatewayClient } from '../../../src/gateway/gateway-clients.ts';
import type { GatewayClient, PostResult } from '../../../src/gateway/gateway-client.ts';
import type { DataRequest } from '../../../src/protocol/data-request.ts';
import type { JinaDocument } from '../../../src/protocol/document.ts';
import { tensorToNumbers } from '../../../src/protocol/tensor.ts';
import { startExecutorServer, type ExecutorServer } from '../../../src/reference-runtime/executor-server/start-executor-server.ts';
import { startReferenceFlow, type RunningReferenceFlow } from '../../../src/reference-runtime/start-reference-flow.ts';
import { freePort, hasJina, jinaBin, startJinaFlow, type JinaFlowProcess } from '../../fidelity/jina-flow-process.ts';
import { skipOrFail } from '../../support/skip-or-fail.ts';

const repo = resolve(import.meta.dirname, '../../..');
const executorsDir = join(repo, 'fixtures/executors/v2');
const missing = hasJina('v2') ? undefined : '.jina-envs/v2 is missing: run scripts/setup-jina.sh';

// fixtures/executors/README.md: the Python StressEncoder's embedding of text "hello 1", dim 16.
const HELLO_1_EMBEDDING_START = [0.326457, 0.295673, -0.060594, 0.332885];

const docs = (texts: string[]): JinaDocument[] => texts.map((text, index) => ({ id: `doc-${index}`, text, tags: { n: index } }));

function okResponse(result: PostResult): DataRequest {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}: ${JSON.stringify(result).slice(0, 4000)}`);
  return result.response;
}

/** Index three texts, then search "hello 1": the same checks whichever side is real Jina. */
async function indexThenSearch(client: GatewayClient): Promise<void> {
  const indexed = okResponse(await client.post({ endpoint: '/index', docs: docs(['hello 1', 'goodbye 2', 'something else']) }));
  expect(indexed.docs.map((doc) => doc.id)).toEqual(['doc-0', 'doc-1', 'doc-2']);
  const embedding = tensorToNumbers(indexed.docs[0]!.embedding!);
  expect(embedding).toHaveLength(16);
  HELLO_1_EMBEDDING_START.forEach((value, index) => expect(embedding[index]).toBeCloseTo(value, 5));
  // Routes: the gateway's, then each executor with both ends stamped.
  const routes = indexed.routes.map((route) => route.executor);
  expect(routes).toEqual(['gateway', 'encoder', 'indexer']);
  for (const route of indexed.routes) expect(route.endUs! >= route.startUs!).toBe(true);

  const found = okResponse(await client.post({ endpoint: '/search', docs: [{ id: 'q', text: 'hello 1' }], parameters: { top_k: 2 } }));
  const matches = found.docs[0]!.matches ?? [];
  expect(matches).toHaveLength(2);
  expect(matches[0]!.id).toBe('doc-0');
  expect(matches[0]!.text).toBe('hello 1');
  expect(matches[0]!.tags).toMatchObject({ n: 0 });

  // A dict returned by the indexer travels back in parameters.__results__.
  const counted = okResponse(await client.post({ endpoint: '/count', docs: [] }));
  const results = counted.parameters.__results__ as Record<string, { count: number }>;
  expect(Object.values(results).map((value) => value.count)).toEqual([3]);
}

async function connectClient(port: number): Promise<GatewayClient> {
  const client = createGatewayClient({ target: { host: '127.0.0.1', port, protocol: 'grpc', docarray: 'v2' } });
  await client.connect();
  return client;
}

function externalFlowYaml(gatewayPort: string, executors: Array<{ name: string; uses: string; port: number }>): string {
  return [
    'jtype: Flow',
    "version: '1'",
    'with:',
    '  protocol: grpc',
    `  port: ${gatewayPort}`,
    'executors:',
    ...executors.flatMap(({ name, uses, port }) => [`  - name: ${name}`, `    uses: ${uses}`, '    external: true', '    host: 127.0.0.1', `    port: ${port}`]),
    '',
  ].join('\n');
}

interface JinaExecutorProcess {
  port: number;
  log(): string;
  stop(): Promise<void>;
}

/**
 * `jina executor --name <deployment> --uses <Class> --py-modules <file> --port <p>`. Without
 * `--name` a worker cannot return a dict: it keys `__results__` by its name, None, and
 * protobuf's Struct.update raises TypeError('bad argument type for built-in operation').
 */
async function startJinaExecutor(name: string, uses: string, file: string, workspace: string, usesWith: object): Promise<JinaExecutorProcess> {
  const port = await freePort();
  const logPath = join(workspace, `${uses}.log`);
  const log = openSync(logPath, 'w');
  const child: ChildProcess = spawn(
    jinaBin('v2'),
    ['executor', '--name', name, '--uses', uses, '--py-modules', join(executorsDir, file), '--uses-with', JSON.stringify(usesWith), '--port', String(port), '--workspace', workspace],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const kill = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  };
  process.once('exit', kill);
  return {
    port,
    stop: async () => {
      process.off('exit', kill);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        kill();
        await exited;
      }
    },
    log: () => readFileSync(logPath, 'utf8'),
  };
}

describe('the executor gRPC protocol between Jina 3.34 and the reference runtime', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('a real Jina gateway serves a Flow of external reference executors', async (context) => {
    if (missing) return skipOrFail(context, missing);
    const workdir = mkdtempSync(join(tmpdir(), 'jst-executors-'));
    cleanups.push(() => rmSync(workdir, { recursive: true, force: true }));
    const servers: ExecutorServer[] = [];
    cleanups.push(() => Promise.all(servers.map((server) => server.close())).then(() => undefined));
    servers.push(await startExecutorServer({ name: 'encoder', uses: 'StressEncoder', usesWith: { dim: 16 }, workdir, docarray: 'v2', port: 0 }));
    servers.push(await startExecutorServer({ name: 'indexer', uses: 'StressIndexer', usesWith: { top_k: 3 }, workdir, docarray: 'v2', port: 0 }));
    const yaml = join(workdir, 'external.yml');
    writeFileSync(
      yaml,
      externalFlowYaml('${{ ENV.JINA_PORT }}', [
        { name: 'encoder', uses: 'StressEncoder', port: servers[0]!.port },
        { name: 'indexer', uses: 'StressIndexer', port: servers[1]!.port },
      ]),
    );
    const flow: JinaFlowProcess = await startJinaFlow({ docarray: 'v2', yaml, protocol: 'grpc', timeoutMs: 90_000 });
    cleanups.push(() => flow.stop());
    const client = await connectClient(flow.port);
    cleanups.push(() => client.close());
    await indexThenSearch(client);
  }, 150_000);

  it('the reference gateway serves a Flow of external real `jina executor`s', async (context) => {
    if (missing) return skipOrFail(context, missing);
    const workspace = mkdtempSync(join(tmpdir(), 'jst-jina-executors-'));
    cleanups.push(() => rmSync(workspace, { recursive: true, force: true }));
    const encoder = await startJinaExecutor('encoder', 'StressEncoder', 'encoder.py', workspace, { dim: 16 });
    cleanups.push(() => encoder.stop());
    const indexer = await startJinaExecutor('indexer', 'StressIndexer', 'indexer.py', workspace, { top_k: 3, persist: false });
    cleanups.push(() => indexer.stop());
    let flow: RunningReferenceFlow;
    try {
      // Starting waits for each external executor's endpoint discovery to answer.
      flow = await startReferenceFlow({
        flowYaml: externalFlowYaml('0', [
          { name: 'encoder', uses: 'StressEncoder', port: encoder.port },
          { name: 'indexer', uses: 'StressIndexer', port: indexer.port },
        ]),
        workdir: workspace,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- encoder log ---\n${encoder.log().slice(-2000)}\n--- indexer log ---\n${indexer.log().slice(-2000)}`);
    }
    cleanups.push(() => flow.stop());
    const client = await connectClient(flow.gateways[0]!.port);
    cleanups.push(() => client.close());
    await indexThenSearch(client);

    // The executor gone: the deployment is reported unreachable, by name.
    await indexer.stop();
    const after = await client.post({ endpoint: '/search', docs: [{ id: 'q2', text: 'hello 1' }] });
    expect(after.status).not.toBe('ok');
    expect(JSON.stringify(after)).toContain('indexer');
  }, 150_000);
});
