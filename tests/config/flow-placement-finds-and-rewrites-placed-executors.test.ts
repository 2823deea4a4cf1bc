import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { readFlowPlacements, rewriteFlowWithExternals } from '../../src/config/flow-placement.ts';
import { readFlowYaml } from '../../src/reference-runtime/read-flow-yaml.ts';

const dir = mkdtempSync(join(tmpdir(), 'jst-placement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'vec.yml'), '!NumpyIndexer\nwith:\n  index_filename: vec.gz\n  dim: {{ DIM }}\n');

const options = { source: 'index.yml', hosts: {}, mainHost: '10.1.0.1', token: 'T', searchDirs: [dir], view: { DIM: '16' } };

test("the seed's 1.x pods: a host that is not this machine or the daemon's places the pod; uses: file.yml gives its class and with", () => {
  const flow = `!Flow
pods:
  encoder: {uses: ReferenceEncoder, host: 10.1.0.2, port: 45000, shards: 2, replicas: 3}
  vec_idx: {uses: vec.yml, host: 10.1.0.3, uses_with: {metric: cosine}}
  local1: {uses: KeyValueIndexer, host: ''}
  local2: {uses: KeyValueIndexer, host: localhost}
  local3: {uses: KeyValueIndexer, host: 10.1.0.1}
  ext: {external: true, host: 10.1.0.9, port: 1234}
`;
  expect(readFlowPlacements(flow, options)).toEqual([
    { name: 'encoder', agent: { host: '10.1.0.2', port: 8000, token: 'T' }, port: 45000, uses: 'ReferenceEncoder', usesWith: {}, pyModules: [], shards: 2, replicas: 3 },
    { name: 'vec_idx', agent: { host: '10.1.0.3', port: 8000, token: 'T' }, uses: 'NumpyIndexer', usesWith: { index_filename: 'vec.gz', dim: 16, metric: 'cosine' }, pyModules: [], shards: 1, replicas: 1 },
  ]);
});

test("the job's hosts: places an executor with no host, and wins over the Flow's host", () => {
  const flow = `jtype: Flow
executors:
  - {name: encoder, uses: ReferenceEncoder, host: 10.1.0.2}
  - {name: indexer, uses: ReferenceIndexer, py_modules: [indexer.py]}
  - {name: ranker, uses: MatchRanker}
`;
  const hosts = { encoder: { host: '10.1.0.5', port: 8001 }, indexer: { host: '10.1.0.3', port: 8000 } };
  expect(readFlowPlacements(flow, { ...options, hosts }).map((p) => [p.name, p.agent.host, p.agent.port, p.pyModules])).toEqual([
    ['encoder', '10.1.0.5', 8001, []],
    ['indexer', '10.1.0.3', 8000, ['indexer.py']],
  ]);
});

test('the rewritten Flow has each placed executor as external (one port per shard), keeps its wiring and loads in the reference reader', () => {
  const flow = `jtype: Flow
with: {protocol: grpc}
executors:
  - {name: encoder, uses: ReferenceEncoder, uses_with: {dim: 8}, replicas: 2, host: 10.1.0.2}
  - {name: indexer, uses: ReferenceIndexer, shards: 2, polling: {'/index': ANY, '*': ALL}, timeout_send: 1000, needs: [encoder]}
  - {name: ranker, uses: MatchRanker}
`;
  const rewritten = rewriteFlowWithExternals(flow, 'index.yml', [
    { name: 'encoder', host: '10.1.0.2', ports: [45000] },
    { name: 'indexer', host: '10.1.0.3', ports: [45001, 45002] },
  ]);
  const spec = readFlowYaml(rewritten, { source: 'rewritten', environment: {}, searchDirs: [dir] });
  const [encoder, indexer, ranker] = spec.executors;
  expect(encoder).toMatchObject({ name: 'encoder', replicas: 1, external: { host: '10.1.0.2', port: 45000 } });
  expect(indexer).toMatchObject({
    name: 'indexer',
    shards: 2,
    needs: ['encoder'],
    polling: { byEndpoint: { '/index': 'any', '*': 'all' } },
    external: { host: '10.1.0.3', port: 45001, timeoutSendMs: 1000, shards: [{ host: '10.1.0.3', port: 45001 }, { host: '10.1.0.3', port: 45002 }] },
  });
  expect(ranker).toMatchObject({ name: 'ranker', uses: 'MatchRanker' });
  expect(ranker!.external).toBeUndefined();
});

test("a sharded executor behind a head (process runtime): its polling goes to the host's agent; the gateway gets one address, no shards and no polling", () => {
  const flow = `jtype: Flow
executors:
  - {name: encoder, uses: ReferenceEncoder}
  - {name: indexer, uses: StressIndexer, host: 10.1.0.3, shards: 2, polling: {'/index': ANY, '*': ALL}, timeout_send: 1000, needs: [encoder]}
`;
  const [placed] = readFlowPlacements(flow, options);
  expect(placed).toMatchObject({ name: 'indexer', shards: 2, polling: { '/index': 'ANY', '*': 'ALL' } });
  const rewritten = rewriteFlowWithExternals(flow, 'index.yml', [{ name: 'indexer', host: '10.1.0.3', ports: [45001], hasHead: true }]);
  const spec = readFlowYaml(rewritten, { source: 'rewritten', environment: {}, searchDirs: [dir] });
  expect(spec.executors[1]).toMatchObject({ name: 'indexer', shards: 1, needs: ['encoder'], external: { host: '10.1.0.3', port: 45001, timeoutSendMs: 1000 } });
  expect(spec.executors[1]!.external!.shards).toBeUndefined();
  expect(rewritten).not.toContain('polling');
});
