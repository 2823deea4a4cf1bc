import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFlowYaml } from '../../src/reference-runtime/read-flow-yaml.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flow-yaml-'));
  await writeFile(
    join(dir, 'vec.yml'),
    ['!NumpyIndexer', 'with:', '  index_filename: vec.gz', 'metas:', '  name: vec_idx', '  workspace: ./workspace', ''].join('\n'),
  );
  await writeFile(join(dir, 'encoder.yml'), 'jtype: ImageTorchEncoder\nwith:\n  model_name: mobilenet_v2\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const read = (yaml: string, environment: Record<string, string> = {}) =>
  readFlowYaml(yaml, { source: 'flow.yml', environment, searchDirs: [dir] });

describe('readFlowYaml', () => {
  it('reads a 3.x Flow with protocol/port lists, needs, shards, replicas and polling', () => {
    const spec = read(`
jtype: Flow
version: '1'
with:
  protocol: [grpc, HTTP, websocket]
  port: [12345, 12346, 0]
executors:
  - name: enc
    uses: ReferenceEncoder
    uses_with: {dim: 32}
    replicas: 2
  - name: idx
    uses: ReferenceIndexer
    shards: 3
    polling: {/search: ALL, '*': ANY}
  - name: kv
    uses: KeyValueIndexer
    needs: gateway
  - name: join
    needs: [idx, kv]
`);
    expect(spec.gateways).toEqual([
      { protocol: 'grpc', port: 12345 },
      { protocol: 'http', port: 12346 },
      { protocol: 'websocket', port: 0 },
    ]);
    expect(spec.docarray).toBe('v2');
    expect(spec.executors.map((e) => [e.name, e.uses, e.needs, e.shards, e.replicas])).toEqual([
      ['enc', 'ReferenceEncoder', ['gateway'], 1, 2],
      ['idx', 'ReferenceIndexer', ['enc'], 3, 1],
      ['kv', 'KeyValueIndexer', ['gateway'], 1, 1],
      ['join', 'BaseExecutor', ['idx', 'kv'], 1, 1],
    ]);
    expect(spec.executors[0]!.usesWith).toEqual({ dim: 32 });
    expect(spec.executors[1]!.polling.byEndpoint).toEqual({ '/search': 'all', '*': 'any' });
  });

  it('lets a gateway block override with:, names unnamed executors by position and reads docarray', () => {
    const spec = read(`
jtype: Flow
with: {protocol: grpc, port: 1, docarray: v1}
gateway: {protocol: http, port: 2}
executors:
  - uses: ReferenceEncoder
  - uses: PassThrough
`);
    expect(spec.gateways).toEqual([{ protocol: 'http', port: 2 }]);
    expect(spec.docarray).toBe('v1');
    expect(spec.executors.map((e) => e.name)).toEqual(['executor0', 'executor1']);
  });

  it('reads the seed 1.x form: pods list, port_expose, rest_api, executor YAML files with tags', () => {
    const spec = read(`
!Flow
version: '1'
with:
  rest_api: true
  port_expose: 23456
pods:
  - name: encoder
    uses: encoder.yml
    shards: 2
    polling: any
    scheduling: load_balance
    timeout_ready: 10000
  - name: vec_idx
    uses: vec.yml
    polling: all
    uses_after: _merge_matches
  - name: join_all
    method: needs
    uses: _merge
    needs: [encoder, vec_idx]
`);
    expect(spec.gateways).toEqual([{ protocol: 'websocket', port: 23456 }]);
    const [encoder, vec, join_all] = spec.executors;
    expect(encoder!.uses).toBe('ImageTorchEncoder');
    expect(encoder!.usesWith).toEqual({ model_name: 'mobilenet_v2' });
    expect(encoder!.polling.byEndpoint).toEqual({ '*': 'any' });
    expect(vec!.uses).toBe('NumpyIndexer');
    expect(vec!.metas).toEqual({ name: 'vec_idx', workspace: './workspace' });
    expect(vec!.usesAfter).toEqual({ uses: '_merge_matches', usesWith: {} });
    expect(join_all!.needs).toEqual(['encoder', 'vec_idx']);
  });

  it('maps rest_api false to gRPC and reads pods given as a map', () => {
    const spec = read(`
with: {rest_api: false, port_expose: '45678'}
pods:
  encoder: {uses: ReferenceEncoder, parallel: 2}
  indexer: {uses: ReferenceIndexer}
`);
    expect(spec.gateways).toEqual([{ protocol: 'grpc', port: 45678 }]);
    expect(spec.executors.map((e) => [e.name, e.shards, e.needs])).toEqual([
      ['encoder', 2, ['gateway']],
      ['indexer', 1, ['encoder']],
    ]);
  });

  it('resolves ${{ ENV.X }} from the environment, typed when it is the whole value', () => {
    const spec = read(
      `
jtype: Flow
with: {protocol: '\${{ ENV.PROTO }}', port: '\${{ ENV.PORT }}'}
executors:
  - name: 'enc-\${{ env.SUFFIX }}'
    uses: ReferenceEncoder
    uses_with: {dim: '\${{ENV.DIM}}'}
`,
      { PROTO: 'websocket', PORT: '4567', SUFFIX: 'a', DIM: '16' },
    );
    expect(spec.gateways).toEqual([{ protocol: 'websocket', port: 4567 }]);
    expect(spec.executors[0]!.name).toBe('enc-a');
    expect(spec.executors[0]!.usesWith).toEqual({ dim: 16 });
  });

  it('takes docarray from JINA_STRESS_DOCARRAY when the YAML does not say', () => {
    expect(read('executors: []', { JINA_STRESS_DOCARRAY: 'v1' }).docarray).toBe('v1');
    expect(read('executors: []').docarray).toBe('v2');
  });

  it('strips hub prefixes from uses', () => {
    const spec = read('executors:\n  - uses: jinahub://SimpleIndexer/v1\n  - uses: jinaai://jina-ai/CLIPEncoder:latest\n');
    expect(spec.executors.map((e) => e.uses)).toEqual(['SimpleIndexer', 'CLIPEncoder']);
  });
});
