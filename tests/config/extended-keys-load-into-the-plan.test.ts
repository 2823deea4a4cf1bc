import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { loadPlan } from '../../src/config/load-plan.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const examples = path.join(root, 'configs/examples');

describe('configs/examples/extended.yaml', () => {
  const plan = loadPlan(path.join(examples, 'extended.yaml'), { cwd: root, env: { AGENT_TOKEN: 's3cret', NUM_CLIENTS: '4', GATEWAY_PORT: '34567' } });
  const [job] = plan.jobs;
  const [download, index, query, notify] = job?.steps ?? [];

  test('job daemon and gateway come from ${ENV} with defaults; a quoted whole reference becomes a port number', () => {
    expect(job?.daemon).toEqual({ host: '127.0.0.1', port: 8000, token: 's3cret' });
    expect(job?.gateway).toEqual({ host: '127.0.0.1', port: 34_567, protocol: 'websocket' });
  });

  test('names, merge keys (<<: *load) and thresholds reach the load step', () => {
    if (index?.kind !== 'index') throw new Error('expected index');
    expect(index.name).toBe('index-wiki');
    expect(index.params).toMatchObject({ client: 'websocket', numClients: 4, requestSize: 50 });
    expect(index.params.thresholds).toEqual({ p99Ms: 500, errorRate: 0.01, minDocsPerSec: 50, executor: { encoder: { p95Ms: 80 } } });
    expect(index.params.gateway).toEqual({ host: '127.0.0.1', port: 34_567, protocol: 'websocket' });
  });

  test('a dataset path that an earlier download_from_s3 writes is accepted and made absolute', () => {
    if (download?.kind !== 'download_from_s3' || index?.kind !== 'index') throw new Error('expected download then index');
    expect(download.params).toEqual({ key: 'wiki.xml', localDirectory: path.join(root, 'downloads'), bucket: 'e2e-distributed-stress-tests', endpoint: 'http://127.0.0.1:4569', forcePathStyle: true });
    expect(index.params.inputs).toEqual({ method: 'wikipedia_docs', kwargs: { dataset_path: path.join(root, 'downloads/wiki.xml'), num_docs: 50 } });
  });

  test('the open model, endpoint, parameters; gateway_port overrides only the port of the job gateway', () => {
    if (query?.kind !== 'query') throw new Error('expected query');
    expect(query.params.arrival).toEqual({ arrivalRate: 20, rampTo: 200, durationS: 60, maxInFlight: 64, allowLag: false });
    expect(query.params).toMatchObject({ endpoint: '/find', parameters: { limit: 5 }, targetExecutor: 'indexer', docarray: 'v2', abortOnFail: true, maxViolations: 3, topK: 10 });
    expect(query.params.gateway).toEqual({ host: '127.0.0.1', port: 12_345, protocol: 'websocket' });
    expect(query.params.inputs).toEqual({ method: 'jsonl', kwargs: { file: path.join(examples, 'data/texts.jsonl') } });
  });

  test('notify_slack names the variable holding the webhook, not the URL', () => {
    expect(notify?.params).toEqual({ webhookEnv: 'SLACK_WEBHOOK', title: 'nightly' });
  });
});
