import { afterEach, describe, expect, it } from 'vitest';
import { dataRequest, flowFromYaml, responseOf, textDocs } from './flow-from-yaml.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function start(yaml: string) {
  const started = await flowFromYaml(yaml);
  cleanups.push(started.cleanup);
  return started.flow;
}

describe('routeRequest', () => {
  it('stamps a gateway route spanning the request, then executors depth-first from the origins', async () => {
    const flow = await start(`
executors:
  - {name: fast, uses: FaultExecutor, uses_with: {latency_ms: 10}, needs: gateway}
  - {name: slow, uses: FaultExecutor, uses_with: {latency_ms: 40}, needs: gateway}
  - {name: join, uses: MatchRanker, needs: [fast, slow]}
`);
    const response = responseOf(await flow.process(dataRequest('/index', textDocs(['a', 'b']))));
    expect(response.routes.map((route) => route.executor)).toEqual(['gateway', 'fast', 'join', 'slow']);
    const route = Object.fromEntries(response.routes.map((r) => [r.executor, r]));
    for (const r of response.routes) expect(r.endUs!).toBeGreaterThanOrEqual(r.startUs!);
    expect(route.slow!.endUs! - route.slow!.startUs!).toBeGreaterThanOrEqual(39_000);
    // The join waits for both needs; the gateway route spans everything.
    expect(route.join!.startUs!).toBeGreaterThanOrEqual(route.slow!.endUs!);
    expect(route.gateway!.startUs!).toBeLessThanOrEqual(route.fast!.startUs!);
    expect(route.gateway!.endUs!).toBeGreaterThanOrEqual(route.join!.endUs!);
    expect(response.docs.map((doc) => doc.id)).toEqual(['doc-0', 'doc-1']);
    expect(response.header.status).toBeUndefined();
  });

  it('gives an executor that does not bind the endpoint a route with a start and no end, and passes docs on', async () => {
    const flow = await start(`
executors:
  - {name: enc, uses: ReferenceEncoder, uses_with: {dim: 8}}
  - {name: idx, uses: ReferenceIndexer, uses_with: {persist: false}}
`);
    const response = responseOf(await flow.process(dataRequest('/unbound', textDocs(['hello world']))));
    expect(response.routes.map((r) => [r.executor, r.startUs !== undefined, r.endUs !== undefined])).toEqual([
      ['gateway', true, true],
      ['enc', true, true],
      ['idx', true, false],
    ]);
    expect(response.docs[0]!.embedding?.shape).toEqual([8]);
  });

  it('docarray v1: calls an executor that does not bind the endpoint until endpoints were discovered, as Jina 3.34 does', async () => {
    const flow = await start(`
jtype: Flow
with: {docarray: v1}
executors:
  - {name: enc, uses: ReferenceEncoder, uses_with: {dim: 8}}
  - {name: idx, uses: ReferenceIndexer, uses_with: {persist: false}}
`);
    const ran = (response: ReturnType<typeof responseOf>) => response.routes.map((r) => `${r.executor}:${r.endUs !== undefined}`);
    const before = responseOf(await flow.process(dataRequest('/unbound', textDocs(['hello world']))));
    expect(ran(before)).toEqual(['gateway:true', 'enc:true', 'idx:true']);
    expect(before.docs[0]!.matches).toBeUndefined(); // called, but nothing bound: documents pass unchanged
    flow.endpoints(); // what the gRPC endpoint_discovery call does
    const after = responseOf(await flow.process(dataRequest('/unbound', textDocs(['hello world']))));
    expect(ran(after)).toEqual(['gateway:true', 'enc:true', 'idx:false']);
  });

  it("honours target_executor with re.match semantics and resets it to '' in the response", async () => {
    const flow = await start(`
executors:
  - {name: encoder, uses: ReferenceEncoder}
  - {name: indexer, uses: ReferenceIndexer, uses_with: {persist: false}}
`);
    const indexed = responseOf(await flow.process(dataRequest('/index', textDocs(['one', 'two']), { targetExecutor: 'enc' })));
    expect(indexed.header.targetExecutor).toBe('');
    expect(indexed.routes.find((r) => r.executor === 'indexer')?.endUs).toBeUndefined();
    expect(indexed.docs[0]!.embedding).toBeDefined();
    // `coder` matches inside "encoder" but re.match anchors at the start: nothing runs.
    const none = responseOf(await flow.process(dataRequest('/index', textDocs(['x']), { targetExecutor: 'coder' })));
    expect(none.routes.filter((r) => r.endUs !== undefined).map((r) => r.executor)).toEqual(['gateway']);
    const counted = responseOf(await flow.process(dataRequest('/count', [])));
    expect(counted.parameters.__results__).toEqual({ 'indexer/rep-0': { count: 0 } });
  });

  it('reports executor-returned dicts in parameters.__results__ by runtime name and narrows name__key parameters', async () => {
    const flow = await start(`
executors:
  - {name: enc, uses: ReferenceEncoder}
  - {name: idx, uses: ReferenceIndexer, uses_with: {persist: false}}
`);
    responseOf(await flow.process(dataRequest('/index', textDocs(['red apple', 'green apple', 'blue sky', 'red car']))));
    const search = responseOf(
      await flow.process(dataRequest('/search', textDocs(['red apple'], 'q'), { parameters: { __results__: {}, top_k: 4, idx__top_k: 2, other__top_k: 1 } })),
    );
    expect(search.docs[0]!.matches!.map((m) => m.id)).toEqual(['doc-0', expect.any(String)]);
    expect(search.parameters).toEqual({ __results__: {}, top_k: 4, idx__top_k: 2, other__top_k: 1 });
    const count = responseOf(await flow.process(dataRequest('/count', [], { parameters: { __results__: {}, keep: 'me' } })));
    expect(count.parameters).toEqual({ __results__: { 'idx/rep-0': { count: 4 } }, keep: 'me' });
  });

  it('turns an executor exception into an ERROR status; later executors get no route', async () => {
    const flow = await start(`
executors:
  - {name: enc, uses: ReferenceEncoder, uses_with: {dim: 4}}
  - {name: broken, uses: FaultExecutor, uses_with: {error_rate: 1, error_message: disk full}}
  - {name: idx, uses: ReferenceIndexer, uses_with: {persist: false}}
`);
    const response = responseOf(await flow.process(dataRequest('/index', textDocs(['a']))));
    expect(response.header.status).toMatchObject({
      code: 1,
      description: "RuntimeError('disk full')",
      exception: { name: 'RuntimeError', args: ['disk full'], executor: 'FaultExecutor' },
    });
    expect(response.header.status!.exception!.stacks.at(-1)).toBe('RuntimeError: disk full\n');
    expect(response.routes.map((r) => r.executor)).toEqual(['gateway', 'enc', 'broken']);
    expect(response.routes[2]!.status).toEqual(response.header.status);
    expect(response.docs[0]!.embedding?.shape).toEqual([4]);
  });

  it('reports UNAVAILABLE once every replica of a deployment crashed, and the dry run says so', async () => {
    const flow = await start(`
executors:
  - {name: flaky, uses: FaultExecutor, replicas: 2, uses_with: {crash_after: 1}}
`);
    expect(flow.dryRun()).toEqual({ status: 'ready' });
    responseOf(await flow.process(dataRequest('/index', textDocs(['a']))));
    responseOf(await flow.process(dataRequest('/index', textDocs(['b']))));
    const third = await flow.process(dataRequest('/index', textDocs(['c'])));
    expect(third).toMatchObject({ status: 'unavailable', deployment: 'flaky' });
    expect(flow.dryRun()).toEqual({ status: 'not-ready', reason: 'deployment(s) unavailable: flaky' });
  });

  it('answers an invalid target_executor pattern with an ERROR status', async () => {
    const flow = await start('executors:\n  - {name: enc, uses: ReferenceEncoder}\n');
    const response = responseOf(await flow.process(dataRequest('/index', textDocs(['a']), { targetExecutor: '(' })));
    expect(response.header.status).toMatchObject({ code: 1, exception: { name: 'error' } });
  });
});
