import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allure2 } from '@allurereport/reader';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeEnvironment, writeEnvironmentProperties } from '../../src/report/environment-properties.ts';

/** Read the file with Allure's own allure2 reader, as `allure generate` does. */
async function readWithAllure(path: string): Promise<Record<string, string>> {
  const raw = await readFile(path, 'utf8');
  let environment: Array<{ name: string; values: string[] }> = [];
  const visitor = {
    visitMetadata: async (metadata: Record<string, unknown>) => {
      environment = metadata.allure_environment as typeof environment;
    },
  };
  const file = { getOriginalFileName: () => 'environment.properties', asUtf8String: async () => raw };
  await allure2.read(visitor as never, file as never);
  return Object.fromEntries(environment.map((entry) => [entry.name, entry.values[0] ?? '']));
}

describe('environment.properties', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'env-props-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds targets, Jina facts from the gateway status, Node and the config hash, as Allure reads them', async () => {
    const entries = describeEnvironment({
      configPath: '/work/configs/local.yaml',
      configHash: '0123456789ab',
      runId: 'run-42',
      targets: [
        {
          job: 'images-stress-test',
          daemon: 'http://127.0.0.1:8000',
          gateway: 'grpc://127.0.0.1:23456',
          gatewayInfo: {
            jina: { jina: '3.34.0', docarray: '0.40.1', 'proto-backend': 'upb' },
            envs: { JINA_LOG_LEVEL: 'DEBUG', JINA_AUTH_TOKEN: 'Bearer abcdefghijklmnop', 'JINA_ODD KEY': 'a=b:c\nnext' },
          },
        },
      ],
    });
    const path = await writeEnvironmentProperties(dir, entries);
    const read = await readWithAllure(path);
    expect(read).toMatchObject({
      config: 'local.yaml',
      'config.hash': '0123456789ab',
      'run.id': 'run-42',
      node: process.version,
      'images-stress-test.daemon': 'http://127.0.0.1:8000',
      'images-stress-test.gateway': 'grpc://127.0.0.1:23456',
      'jina.jina': '3.34.0',
      'jina.docarray': '0.40.1',
      'jina.env.JINA_LOG_LEVEL': 'DEBUG',
      'jina.env.JINA_ODD KEY': 'a=b:c\nnext',
    });
    expect(read['jina.env.JINA_AUTH_TOKEN']).toBe('[REDACTED]');
  });

  it('merges what several jobs write, later values winning', async () => {
    await writeEnvironmentProperties(dir, { 'job-a.gateway': 'grpc://127.0.0.1:1', shared: 'first' });
    await writeEnvironmentProperties(dir, { 'job-b.gateway': 'http://127.0.0.1:2', shared: 'second' });
    const read = await readWithAllure(join(dir, 'environment.properties'));
    expect(read).toEqual({ 'job-a.gateway': 'grpc://127.0.0.1:1', 'job-b.gateway': 'http://127.0.0.1:2', shared: 'second' });
  });
});
