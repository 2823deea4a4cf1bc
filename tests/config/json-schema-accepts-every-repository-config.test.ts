import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { STARTER_FILES } from '../../src/cli/starter-files.ts';
import { validateConfigText } from '../../src/config/validate-config.ts';
import { parseYamlDocument } from '../../src/config/yaml-document.ts';

const root = path.resolve(import.meta.dirname, '../..');
const schema = JSON.parse(readFileSync(path.join(root, 'schema/jina-stress.schema.json'), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validateSchema = ajv.compile(schema);

/** Parsed as validate parses (merge keys applied, as editors' YAML servers do too). */
function schemaErrors(yamlText: string): string[] {
  const document = parseYamlDocument(yamlText, 'config.yaml');
  if (document.status !== 'parsed') return [document.problem.message];
  return validateSchema(document.value) ? [] : (validateSchema.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

/** Every jina-stress config in the repository: YAML with top-level `jobs:`, except the deliberately bad ones. */
const repositoryConfigs = execFileSync('git', ['ls-files', '*.yaml', '*.yml'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && !file.startsWith('fixtures/bad-configs/') && !file.startsWith('examples/github-actions/') && /^jobs:/m.test(readFileSync(path.join(root, file), 'utf8')));

describe('schema/jina-stress.schema.json', () => {
  test('has an $id and draft 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
    expect(schema.$id).toBe(`https://unpkg.com/jina-stress@${version}/schema/jina-stress.schema.json`);
  });

  test('the repository has configs to check', () => {
    expect(repositoryConfigs).toEqual(expect.arrayContaining(['configs/local.yaml', 'configs/examples/seed-images.yaml', 'configs/jina-e2e.yaml']));
  });

  test.each(repositoryConfigs)('%s is valid, and its modeline names the schema', (file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    expect(schemaErrors(text)).toEqual([]);
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
    expect(modeline, 'the yaml-language-server modeline').not.toBeNull();
    expect(path.resolve(path.dirname(path.join(root, file)), modeline![1]!)).toBe(path.join(root, 'schema/jina-stress.schema.json'));
  });

  test("the README's config and what `jina-stress init` writes are valid", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((block) => /^jobs:/m.test(block));
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(schemaErrors(block)).toEqual([]);
    expect(schemaErrors(STARTER_FILES['stress.yaml']!)).toEqual([]);
  });

  test('${VAR} and ${VAR:-default} pass wherever validate accepts them: numbers, booleans, enums, nested thresholds', () => {
    const text = `jobs:
  env:
    daemon: { host: "\${DAEMON_HOST:-localhost}", port: "\${DAEMON_PORT:-8000}", token: "\${AGENT_TOKEN}" }
    steps:
      - method: create_workspace
        files: [flows/index.yml]
        environment: { JINA_GATEWAY_PORT_EXPOSE: "\${PORT:-23456}", JINA_ENCODER_SHARDS: "\${SHARDS:-2}" }
      - method: start_flow
        file: flows/index.yml
        environment: { JINA_GATEWAY_PORT_EXPOSE: "\${PORT:-23456}", JINA_ENCODER_SHARDS: 2 }
        timeout_ready: "\${READY_S:-60}"
      - method: index
        sleep_time: "\${SLEEP:-0}"
        client: "\${CLIENT:-grpc}"
        num_clients: "\${CLIENTS}"
        request_size: "\${SIZE:-10}"
        execution_time: "\${SECONDS:-5}"
        abort_on_fail: "\${ABORT:-false}"
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        thresholds: { p99_ms: "\${P99:-500}", error_rate: "\${ERRORS:-0.01}", executor: { indexer: { p95_ms: "\${INDEXER_P95:-80}" } } }
`;
    expect(schemaErrors(text)).toEqual([]);
    const validation = validateConfigText(text, {
      configPath: path.join(root, 'configs/examples/env.yaml'),
      cwd: root,
      env: { CLIENTS: '3', AGENT_TOKEN: 'secret-token-value' },
    });
    expect(validation.status === 'invalid' ? validation.problems.map((p) => `${p.yamlPath} ${p.message}`) : []).toEqual([]);
  });

  test('still rejects what is wrong whatever the environment: unknown keys, words in numeric fields, unknown clients', () => {
    const errors = schemaErrors(`jobs:
  bad:
    steps:
      - method: index
        num_clientz: 4
        request_size: five
        client: carrier-pigeon
        inputs: { method: random_texts }
`);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/num_clientz|additional properties/);
    expect(schemaErrors('jobs:\n  bad:\n    steps:\n      - method: index\n        request_size: five\n        inputs: { method: random_texts }\n')).not.toEqual([]);
    expect(schemaErrors('jobs:\n  bad:\n    steps:\n      - method: index\n        client: carrier-pigeon\n        inputs: { method: random_texts }\n')).not.toEqual([]);
    expect(schemaErrors('jobs:\n  ok:\n    steps:\n      - method: index\n        client: websocket\n        inputs: { method: random_texts }\n')).toEqual([]);
  });
});
