import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Mustache from 'mustache';
import { afterEach, describe, expect, it } from 'vitest';
import { createCheck } from '../../src/checks/create-check.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClient, PostResult } from '../../src/gateway/gateway-client.ts';
import { createInput } from '../../src/inputs/create-input.ts';
import { startReferenceFlow, type RunningReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures/flows/reference');
const repo = resolve(import.meta.dirname, '../..');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fixture-flows-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(flow: RunningReferenceFlow): Promise<GatewayClient> {
  const client = createGatewayClient({ target: { ...flow.gateways[0]!, docarray: flow.docarray } });
  await client.connect();
  cleanups.push(() => client.close());
  return client;
}

const ok = (result: PostResult) => {
  if (result.status !== 'ok') throw new Error(JSON.stringify(result));
  return result.response;
};

describe('fixtures/flows/reference', () => {
  it('every 3.x fixture Flow starts on a free port and is ready', async () => {
    const files = (await readdir(fixtures)).filter((name) => name.endsWith('.yml'));
    expect(files).toHaveLength(11);
    for (const file of files) {
      const workdir = await scratchDir();
      const flowPath = join(fixtures, file);
      const flow = await startReferenceFlow({ flowYaml: await readFile(flowPath, 'utf8'), flowPath, workdir });
      const client = await connect(flow);
      expect(await client.dryRun(), file).toEqual({ status: 'ready' });
      await client.close();
      await flow.stop();
    }
  });

  it('join.yml reduces both branches and stamps routes depth-first', async () => {
    const flowPath = join(fixtures, 'join.yml');
    const flow = await startReferenceFlow({ flowYaml: await readFile(flowPath, 'utf8'), flowPath, workdir: await scratchDir() });
    cleanups.push(() => flow.stop());
    const client = await connect(flow);
    const response = ok(await client.post({ endpoint: '/index', docs: [{ id: 'a', text: 'hello', tags: { filename: 'a.txt' } }] }));
    expect(response.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'vectors', 'join', 'documents']);
    expect(response.docs).toHaveLength(1);
    expect(response.docs[0]!.embedding).toBeDefined();
  });

  it.each([
    { rest: 'false', protocol: 'grpc' },
    { rest: 'true', protocol: 'websocket' },
  ])("runs the seed's index Flow then its query Flow in one workspace (rest_api $rest → $protocol)", async ({ rest, protocol }) => {
    const workspace = await scratchDir();
    await cp(join(fixtures, 'seed'), workspace, { recursive: true });
    const environment = { JINA_GATEWAY_PORT_EXPOSE: '0', JINA_GATEWAY_REST: rest, JINA_ENCODER_SHARDS: '2', JINA_VEC_INDEXER_SHARDS: '2' };
    const start = async (name: string) => {
      const flowPath = join(workspace, name);
      const rendered = Mustache.render(await readFile(flowPath, 'utf8'), environment);
      return startReferenceFlow({ flowYaml: rendered, flowPath, workdir: workspace });
    };
    const context = { baseDir: repo, helpersDir: join(repo, 'helpers'), clientIndex: 0 };

    const indexFlow = await start('index.yml');
    expect(indexFlow.gateways[0]!.protocol).toBe(protocol);
    const indexClient = await connect(indexFlow);
    const images = (await createInput({ method: 'random_images', kwargs: { num_docs: 30 } }, context)).take(30);
    for (let offset = 0; offset < 30; offset += 10) ok(await indexClient.post({ endpoint: '/index', docs: images.slice(offset, offset + 10) }));
    await indexClient.close();
    await indexFlow.stop();
    expect((await readdir(join(workspace, 'workspace'))).sort()).toEqual(['doc_idx', 'vec_idx']);

    const queryFlow = await start('query.yml');
    cleanups.push(() => queryFlow.stop());
    const queryClient = await connect(queryFlow);
    const queries = (await createInput({ method: 'random_images', kwargs: { num_docs: 4, seed: 9 } }, context)).take(4);
    const sent = { endpoint: '/search', docs: queries, parameters: { top_k: 15 } };
    const response = ok(await queryClient.post(sent));
    expect(response.docs[0]!.matches).toHaveLength(15);
    expect(response.docs[0]!.matches![0]!.tags!.filename).toMatch(/^image \d+$/);
    const check = await createCheck({ method: 'validate_images', kwargs: { type: 'Numpy+BinaryPb' } }, context);
    expect(check({ method: 'query', endpoint: '/search', topK: 15, sent: queries, response })).toEqual([]);
  });
});
