import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient, GatewayProtocol, PostResult } from '../../src/gateway/gateway-client';
import { createGrpcClient } from '../../src/gateway/grpc-client';
import type { DocarrayVersion } from '../../src/protocol/document';
import { startReferenceFlow, type RunningReferenceFlow } from '../../src/target/start-reference-flow';

const clientFactories: Partial<Record<GatewayProtocol, typeof createGrpcClient>> = { grpc: createGrpcClient };

const cases = Object.keys(clientFactories).flatMap((protocol) =>
  (['v1', 'v2'] as DocarrayVersion[]).map((docarray) => ({ protocol: protocol as GatewayProtocol, docarray })),
);

const flowYaml = (protocol: string, docarray: string) => `
jtype: Flow
with: {protocol: ${protocol}, port: 0, docarray: ${docarray}}
executors:
  - {name: encoder, uses: ReferenceEncoder, uses_with: {dim: 32}}
  - {name: indexer, uses: ReferenceIndexer, shards: 2, uses_with: {workspace: index}}
  - {name: broken, uses: FaultExecutor, uses_with: {error_rate: 1, fail_on: [/explode]}}
`;

const okResponse = (result: PostResult) => {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.response;
};

describe.each(cases)('reference Flow over $protocol with docarray $docarray', ({ protocol, docarray }) => {
  let workdir: string;
  let running: RunningReferenceFlow;
  let client: GatewayClient;

  beforeAll(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'reference-e2e-'));
    running = await startReferenceFlow({ flowYaml: flowYaml(protocol, docarray), workdir });
    const gateway = running.gateways[0]!;
    client = clientFactories[protocol]!({ target: { ...gateway, docarray }, prefetch: 4 });
    await client.connect();
  });
  afterAll(async () => {
    await client?.close();
    await running?.stop();
    await rm(workdir, { recursive: true, force: true });
  });

  it('serves on a free port and is ready', async () => {
    expect(running.gateways).toEqual([{ protocol, host: '127.0.0.1', port: expect.any(Number) }]);
    expect(running.gateways[0]!.port).toBeGreaterThan(0);
    expect(running.docarray).toBe(docarray);
    await expect(client.dryRun()).resolves.toEqual({ status: 'ready' });
  });

  it('indexes documents and answers a search with real matches carrying the stored tags', async () => {
    const docs = ['red apples in a basket', 'a blue car on the road', 'green apples and pears', 'the sky is blue'].map(
      (text, index) => ({ id: `doc-${index}`, text, tags: { filename: `file ${index}`, index } }),
    );
    const indexed = okResponse(await client.post({ endpoint: '/index', docs, parameters: { __results__: {} } }));
    expect(indexed.docs.map((doc) => doc.id)).toEqual(docs.map((doc) => doc.id));
    expect(indexed.docs[0]!.embedding).toMatchObject({ dtype: '<f4', shape: [32] });
    expect(indexed.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer', 'broken']);

    const search = okResponse(
      await client.post({ endpoint: '/search', docs: [{ id: 'q', text: 'Red apples in a basket' }], parameters: { top_k: 2 } }),
    );
    const matches = search.docs[0]!.matches!;
    expect(matches).toHaveLength(2);
    expect(matches[0]).toMatchObject({ id: 'doc-0', text: 'red apples in a basket', tags: { filename: 'file 0', index: 0 } });
    expect(matches[0]!.scores?.cosine?.value).toBeCloseTo(1, 5);
    expect(matches[1]!.scores!.cosine!.value).toBeLessThan(0.99);
    for (const route of search.routes) expect(route.endUs!).toBeGreaterThanOrEqual(route.startUs!);
  });

  it('returns an executor exception as a typed error status naming the executor', async () => {
    const result = await client.post({ endpoint: '/explode', docs: [{ id: 'x', text: 'boom' }] });
    expect(result).toMatchObject({
      status: 'error-status',
      error: { name: 'RuntimeError', executor: 'FaultExecutor', description: "RuntimeError('injected fault in broken')" },
    });
  });
});
