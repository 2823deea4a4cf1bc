import { afterEach, describe, expect, it } from 'vitest';
import { flowFromYaml } from './flow-from-yaml.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

describe('ReferenceFlow status', () => {
  it('lists bound endpoints and reports JINA_* variables without secrets', async () => {
    const { flow, cleanup } = await flowFromYaml(
      `executors:
  - {name: enc, uses: ReferenceEncoder}
  - {name: idx, uses: ReferenceIndexer, uses_with: {persist: false}}
  - {name: custom, uses: PassThrough, uses_requests: {/foo: run}}
`,
      { environment: { JINA_GATEWAY_PORT_EXPOSE: '23456', JINA_AUTH_TOKEN: 'secret', OTHER: 'x' } },
    );
    cleanups.push(cleanup);
    expect(flow.endpoints()).toEqual(['/count', '/default', '/delete', '/dump', '/foo', '/index', '/search', '/update']);
    const info = flow.info();
    expect(info.envs).toEqual({ JINA_GATEWAY_PORT_EXPOSE: '23456' });
    expect(info.jina).toMatchObject({ jina: '3.34.0+reference', docarray: '0.40.1' });
  });
});
