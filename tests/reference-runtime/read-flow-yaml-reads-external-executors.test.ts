import { describe, expect, it } from 'vitest';
import { isStressError } from '../../src/errors.ts';
import { readFlowYaml } from '../../src/reference-runtime/read-flow-yaml.ts';

const read = (yaml: string) => readFlowYaml(yaml, { source: '/ws/flows/flow.yml', environment: {}, searchDirs: ['/ws/flows', '/ws'] });

describe('external executors in Flow YAML', () => {
  it('`external: true` with host and port becomes an address; `host` alone (the seed style) does not', () => {
    const spec = read(`
jtype: Flow
executors:
  - {name: encoder, uses: StressEncoder, external: true, host: 10.231.7.3, port: 45001}
  - {name: indexer, uses: StressIndexer, host: 10.231.7.4}
`);
    expect(spec.executors[0]!.external).toEqual({ host: '10.231.7.3', port: 45001 });
    expect(spec.executors[1]!.external).toBeUndefined();
  });

  it('a sharded external executor has one address per shard (how start_flow wires one placed on another host)', () => {
    const spec = read(`
jtype: Flow
executors:
  - {name: indexer, external: true, host: 10.231.7.4, port: [45002, 45003], shards: 2, timeout_send: 1000}
`);
    expect(spec.executors[0]!.shards).toBe(2);
    expect(spec.executors[0]!.external).toEqual({
      host: '10.231.7.4',
      port: 45002,
      timeoutSendMs: 1000,
      shards: [{ host: '10.231.7.4', port: 45002 }, { host: '10.231.7.4', port: 45003 }],
    });
  });

  it('an external executor without host or port, with replicas, or with fewer ports than shards, is an error naming each path', () => {
    let message = '';
    try {
      read(`
jtype: Flow
executors:
  - {name: encoder, uses: StressEncoder, external: true, port: 45001}
  - {name: indexer, uses: StressIndexer, external: true, host: h, shards: 2}
  - {name: ranker, external: true, host: h, port: 45004, replicas: 2}
  - {name: merger, external: true, host: h, port: [45005, 45006, 45007], shards: 2}
`);
    } catch (error) {
      if (!isStressError(error, 'FLOW_YAML')) throw error;
      message = error.message;
    }
    expect(message).toContain('executors[0].host');
    expect(message).toContain('an external executor needs the host it runs on');
    expect(message).toContain('executors[1].port');
    expect(message).toContain('executors[1]: an external executor with 2 shards needs one port per shard');
    expect(message).toContain('executors[2]: an external executor is one address per shard: give replicas as separate external executors');
    expect(message).toContain('executors[3]: 3 addresses for 2 shard(s)');
  });
});
