import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTensor, tensorValues } from '../../../src/protocol/tensor.ts';
import { fixtureEmbedding, fixtureEmbeddingKey } from '../../../src/reference-runtime/executors/fixture-executors.ts';
import { readFlowYaml } from '../../../src/reference-runtime/read-flow-yaml.ts';
import { ReferenceFlow } from '../../../src/reference-runtime/reference-flow.ts';
import { dataRequest, responseOf, textDocs } from '../flow-from-yaml.ts';

// Golden values from fixtures/executors/v2/encoder.py's algorithm, computed with Python's
// hashlib and struct (float32-rounded).
const HELLO_WORLD_16 = [
  -0.3053530752658844, -0.31492677330970764, -0.13527657091617584, 0.3155405521392822, -0.007713930681347847,
  -0.3331182599067688, 0.25374799966812134, -0.27372118830680847, -0.2675551772117615, -0.2886659502983093,
  0.13260392844676971, 0.21986834704875946, 0.255766361951828, -0.1655348539352417, -0.3402256369590759,
  -0.09982498735189438,
];
const TENSOR_9 = [
  -0.37206703424453735, -0.45742231607437134, -0.4454696476459503, 0.28541499376296997, 0.08163730800151825,
  -0.4875714182853699, 0.16688752174377441, 0.2887936532497406, -0.12954644858837128,
];

describe('fixture executors', () => {
  it('StressEncoder embeddings equal the Python encoder bit for bit (text, tensor, id keys)', () => {
    expect(Array.from(fixtureEmbedding(fixtureEmbeddingKey({ id: 'x', text: 'hello world' }), 16))).toEqual(HELLO_WORLD_16);
    const tensor = createTensor(Float64Array.from([1, 2, 3, 4.5]), { shape: [2, 2] });
    expect(Array.from(fixtureEmbedding(fixtureEmbeddingKey({ id: 'x', tensor }), 9))).toEqual(TENSOR_9);
    expect(Array.from(fixtureEmbedding(fixtureEmbeddingKey({ id: 'abc' }), 3))).toEqual([0.8783366084098816, -0.39135172963142395, -0.2745335102081299]);
  });
});

describe('the Python fixture Flow files on the reference runtime', () => {
  const jinaFlows = resolve(import.meta.dirname, '../../../fixtures/flows/jina/v2');
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'jina-fixture-flows-'));
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  async function start(file: string) {
    const source = join(jinaFlows, file);
    const environment = { JINA_PORT: '0', JINA_WORKSPACE: workspace };
    const spec = readFlowYaml(await readFile(source, 'utf8'), { source, environment, searchDirs: [jinaFlows] });
    return ReferenceFlow.start(spec, workspace, environment);
  }

  it('index-grpc.yml then query-http.yml: the query finds the indexed texts with top_k 3', async () => {
    const indexFlow = await start('index-grpc.yml');
    const texts = ['red apple', 'green pear', 'yellow banana', 'red cherry', 'blue berry'];
    responseOf(await indexFlow.process(dataRequest('/index', textDocs(texts))));
    await indexFlow.close();

    const queryFlow = await start('query-http.yml');
    const response = responseOf(await queryFlow.process(dataRequest('/search', textDocs(['yellow banana'], 'q'), { parameters: { sleep_ms: 1 } })));
    await queryFlow.close();
    // Two shards, each answering its top 3, concatenated as Jina's head does (5 documents in all).
    const matches = response.docs[0]!.matches!;
    expect(matches).toHaveLength(5);
    const best = [...matches].sort((a, b) => b.scores!.cosine!.value - a.scores!.cosine!.value)[0]!;
    expect(best).toMatchObject({ id: 'doc-2', text: 'yellow banana', tags: { filename: 'doc 2' } });
    expect(best.scores!.cosine!.value).toBeCloseTo(1, 5);
    expect(Array.from(tensorValues(response.docs[0]!.embedding!) as Float32Array)).toEqual(
      Array.from(fixtureEmbedding(fixtureEmbeddingKey({ id: 'q', text: 'yellow banana' }), 16)),
    );
    expect(response.routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer', 'slow']);
  });

  it('failing-grpc.yml fails every second request with StressFailure', async () => {
    const flow = await start('failing-grpc.yml');
    const statuses = [];
    for (let n = 0; n < 4; n++) statuses.push(responseOf(await flow.process(dataRequest('/index', textDocs([`t${n}`])))).header.status);
    await flow.close();
    expect(statuses.map((status) => status?.exception?.name ?? 'ok')).toEqual(['ok', 'StressFailure', 'ok', 'StressFailure']);
    expect(statuses[1]).toMatchObject({ exception: { executor: 'StressFailing', args: ['failing executor: request 1 failed (fail_rate=0.5)'] } });
  });
});
