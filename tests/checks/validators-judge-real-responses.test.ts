import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckInput } from '../../src/checks/check.ts';
import { createCheck } from '../../src/checks/create-check.ts';
import type { GatewayClient, PostRequest } from '../../src/gateway/gateway-client.ts';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import { createInput } from '../../src/inputs/create-input.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import type { JinaDocument } from '../../src/protocol/document.ts';
import { startReferenceFlow, type RunningReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';

const repo = resolve(import.meta.dirname, '../..');
const checkContext = { baseDir: repo, helpersDir: join(repo, 'helpers') };
const inputContext = { ...checkContext, clientIndex: 0 };

const flowYaml = `
jtype: Flow
with: {protocol: grpc, port: 0}
executors:
  - {name: encoder, uses: ReferenceEncoder}
  - {name: indexer, uses: ReferenceIndexer, shards: 2, uses_with: {persist: false}, uses_after: MatchRanker}
  - {name: fault, uses: FaultExecutor, uses_with: {error_rate: 1, fail_on: [/broken], error_message: no disk}}
`;

let workdir: string;
const flows: RunningReferenceFlow[] = [];
const clients: GatewayClient[] = [];
let client: GatewayClient;
let textClient: GatewayClient;

/** A reference Flow over gRPC with `docs` indexed, and a client connected to it. */
async function indexedFlow(docs: JinaDocument[]): Promise<GatewayClient> {
  const flow = await startReferenceFlow({ workdir, flowYaml });
  flows.push(flow);
  const connected = createGrpcClient({ target: { ...flow.gateways[0]!, docarray: flow.docarray } });
  clients.push(connected);
  await connected.connect();
  const result = await connected.post({ endpoint: '/index', docs });
  if (result.status !== 'ok') throw new Error(JSON.stringify(result));
  return connected;
}

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'checks-'));
  client = await indexedFlow((await createInput({ method: 'random_images', kwargs: { num_docs: 20 } }, inputContext)).take(20));
  const wikipedia = { method: 'wikipedia_docs', kwargs: { file: 'fixtures/data/wikipedia-abstracts.xml' } };
  textClient = await indexedFlow((await createInput(wikipedia, inputContext)).take(24));
});
afterAll(async () => {
  await Promise.all(clients.map((connected) => connected.close()));
  await Promise.all(flows.map((flow) => flow.stop()));
  await rm(workdir, { recursive: true, force: true });
});

async function exchange(method: 'index' | 'query', request: PostRequest, topK?: number, via = client): Promise<CheckInput> {
  const result = await via.post(request);
  if (result.status !== 'ok' && result.status !== 'error-status') throw new Error(JSON.stringify(result));
  return { method, endpoint: request.endpoint, topK, sent: request.docs, response: result.response as DataRequest };
}

const queryImages = async (count: number): Promise<JinaDocument[]> =>
  (await createInput({ method: 'random_images', kwargs: { num_docs: count, seed: 7 } }, inputContext)).take(count);

describe('validate_images', () => {
  it('finds nothing wrong with an index response and a top_k query answered in full', async () => {
    const check = await createCheck({ method: 'validate_images', kwargs: { type: 'Numpy+BinaryPb' } }, checkContext);
    const fresh = (await createInput({ method: 'random_images', kwargs: { num_docs: 3, seed: 3 } }, inputContext)).take(3);
    const indexed = await exchange('index', { endpoint: '/index', docs: fresh });
    expect(check(indexed)).toEqual([]);
    const queried = await exchange('query', { endpoint: '/search', docs: await queryImages(5), parameters: { top_k: 10 } }, 10);
    expect(queried.response.docs[0]!.matches).toHaveLength(10);
    expect(check(queried)).toEqual([]);
  });

  it('reports documents without top_k matches, with the request id', async () => {
    const exact = await createCheck({ method: 'validate_images', kwargs: {} }, checkContext);
    const input = await exchange('query', { endpoint: '/search', docs: await queryImages(4), parameters: { top_k: 100 } }, 100);
    const violations = exact(input);
    expect(violations).toEqual([
      { requestId: input.response.header.requestId, message: expect.stringMatching(/^4 document\(s\) without exactly 100 matches \(\w+: 2\d, \w+: 2\d, \w+: 2\d, …\)$/) },
    ]);
    const atLeast = await createCheck({ method: 'validate_images', kwargs: { top_k: 20, match_count: 'at_least' } }, checkContext);
    expect(atLeast(input)).toEqual([]);
  });

  it('reports matches without the required tags, wrong embedding sizes and missing documents', async () => {
    const check = await createCheck({ method: 'validate_images', kwargs: { required_tags: ['filename', 'category'], embedding_dim: 64 } }, checkContext);
    const docs = await queryImages(2);
    const input = await exchange('query', { endpoint: '/search', docs, parameters: { top_k: 3 } }, 3);
    const messages = check({ ...input, sent: [...docs, { id: 'never-sent' }] }).map((violation) => violation.message);
    expect(messages).toEqual([
      '1 of 3 sent documents missing from the response (never-sent)',
      expect.stringMatching(/^2 document\(s\) without an embedding of dim 64/),
      expect.stringMatching(/^6 match\(es\) without tag category/),
    ]);
  });

  it('reports an ERROR status with the executor that raised', async () => {
    const check = await createCheck({ method: 'validate_images', kwargs: {} }, checkContext);
    const input = await exchange('index', { endpoint: '/broken', docs: await queryImages(1) });
    expect(check(input)).toEqual([{ requestId: input.response.header.requestId, message: "status ERROR from FaultExecutor: RuntimeError('no disk')" }]);
  });
});

describe('validate_texts', () => {
  it('accepts matches tagged with a title (Wikipedia abstracts)', async () => {
    const check = await createCheck({ method: 'validate_texts', kwargs: {} }, checkContext);
    const input = await exchange('query', { endpoint: '/search', docs: [{ id: 'q', text: 'a tower with a lamp that guides ships' }], parameters: { top_k: 3 } }, 3, textClient);
    expect(input.response.docs[0]!.matches![0]!.tags).toMatchObject({ title: 'Lighthouse' });
    expect(check(input)).toEqual([]);
  });
});

describe('createCheck', () => {
  it('runs a user check from helpers/checks.ts and lists what exists for an unknown name', async () => {
    const check = await createCheck({ method: 'min_top_score', kwargs: { min: 0.999 } }, checkContext);
    const input = await exchange('query', { endpoint: '/search', docs: await queryImages(2), parameters: { top_k: 1 } }, 1);
    expect(check(input)).toEqual([{ requestId: input.response.header.requestId, message: expect.stringMatching(/^2 document\(s\) whose best cosine is below 0.999/) }]);
    await expect(createCheck({ method: 'validate_image', kwargs: {} }, checkContext)).rejects.toThrow(
      `unknown check "validate_image"; built-in: expect, matches_schema, validate_images, validate_texts; ${join(repo, 'helpers', 'checks.ts')} exports: min_top_score`,
    );
    await expect(createCheck({ method: 'validate_texts', kwargs: { topk: 3 } }, checkContext)).rejects.toThrow(
      'check validate_texts: unknown kwarg(s) topk',
    );
  });
});
