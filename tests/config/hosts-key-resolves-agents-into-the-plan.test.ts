import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'jst-hosts-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'instances.yaml'), 'instances:\n  INDEXER_AGENT: "10.1.0.3:8001"\n  JINA_RANKER_HOST: 10.1.0.4\n');
writeFileSync(
  join(dir, 'flow.yml'),
  'jtype: Flow\nexecutors:\n  - {name: encoder, uses: ReferenceEncoder}\n  - {name: indexer, uses: ReferenceIndexer}\n  - {name: ranker, uses: MatchRanker, host: "{{ JINA_RANKER_HOST }}"}\n',
);

const config = (hosts: string) => `
jobs:
  placed:
    daemon: { host: 10.1.0.1, token: "\${TOKEN}" }
    hosts: ${hosts}
    steps:
      - { method: create_workspace, files: [flow.yml] }
      - { method: start_flow, file: flow.yml }
`;

test('hosts: takes an address, address:port or an instances.yaml name; the Flow host: adds its agent; each gets the job token', () => {
  const result = validateConfigText(config('{ encoder: 10.1.0.2, indexer: INDEXER_AGENT }'), { configPath: join(dir, 'stress.yaml'), env: { TOKEN: 't0k' } });
  expect(result.status, JSON.stringify(result)).toBe('valid');
  if (result.status !== 'valid') return;
  const [job] = result.plan.jobs;
  expect(job!.hosts).toEqual({ encoder: { host: '10.1.0.2', port: 8000, token: 't0k' }, indexer: { host: '10.1.0.3', port: 8001, token: 't0k' } });
  expect(job!.agents).toEqual([
    { host: '10.1.0.2', port: 8000, token: 't0k' },
    { host: '10.1.0.3', port: 8001, token: 't0k' },
    { host: '10.1.0.4', port: 8000, token: 't0k' },
  ]);
});

test('a job without placements has no other agents', () => {
  writeFileSync(join(dir, 'local.yml'), 'jtype: Flow\nexecutors:\n  - {name: encoder, uses: ReferenceEncoder, host: 10.1.0.1}\n');
  const text = config('{}').replace('    hosts: {}\n', '').replaceAll('flow.yml', 'local.yml');
  const result = validateConfigText(text, { configPath: join(dir, 'stress.yaml'), env: { TOKEN: 't0k' } });
  expect(result.status).toBe('valid');
  if (result.status === 'valid') expect(result.plan.jobs[0]!.agents).toBeUndefined();
});
