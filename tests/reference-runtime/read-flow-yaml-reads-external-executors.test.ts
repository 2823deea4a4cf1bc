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

  it('an external executor without host or port, or with shards, is an error naming each path', () => {
    let message = '';
    try {
      read(`
jtype: Flow
executors:
  - {name: encoder, uses: StressEncoder, external: true, port: 45001}
  - {name: indexer, uses: StressIndexer, external: true, host: h, shards: 2}
`);
    } catch (error) {
      if (!isStressError(error, 'FLOW_YAML')) throw error;
      message = error.message;
    }
    expect(message).toContain('executors[0].host');
    expect(message).toContain('an external executor needs the host it runs on');
    expect(message).toContain('executors[1].port');
    expect(message).toContain('give shards/replicas as separate external executors');
  });
});
