import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// The seed's job against the embedded agent and reference runtime, as `npx vitest run` runs it
// in a user's project: every step a test, real matches checked, reports on disk.
const config = `
jobs:
  images:
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}, ${referenceFlow('query-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        num_clients: 2
        request_size: 5
        inputs: { method: random_images, kwargs: { num_docs: 20, shape: [16, 16, 3] } }
        on_always: { method: validate_images }
      - method: terminate_flow
      - method: start_flow
        file: ${referenceFlow('query-grpc.yml')}
      - method: query
        execution_time: 1
        top_k: 3
        request_size: 4
        inputs: { method: random_images, kwargs: { num_docs: 8, shape: [16, 16, 3], seed: 3 } }
        on_always: { method: validate_images, kwargs: { top_k: 3, required_tags: [filename] } }
      - method: terminate_flow
      - method: delete_workspace
      - method: collect_stats
`;

let project: StressProject;
let run: StressRun;

beforeAll(async () => {
  project = await createStressProject(config);
  run = await project.run();
}, 120_000);

afterAll(() => project?.remove());

test('every step is a test and all pass', () => {
  expect(run.exitCode, run.output).toBe(0);
  expect(statesOf(run)).toEqual({
    'images › create_workspace': 'passed',
    'images › start_flow': 'passed',
    'images › index': 'passed',
    'images › terminate_flow': 'passed',
    'images › start_flow #2': 'passed',
    'images › query': 'passed',
    'images › terminate_flow #2': 'passed',
    'images › delete_workspace': 'passed',
    'images › collect_stats': 'passed',
  });
});

test('the console ends with a summary line per load step', () => {
  const summary = run.output.slice(run.output.lastIndexOf('jina-stress steps'));
  expect(summary).toMatch(/✓ images › index\n\s+[\d,]+ req, [\d,]+ docs in [\d.]+s: [\d,.]+ docs\/s, [\d,.]+ QPS; latency p50/);
  expect(summary).toMatch(/✓ images › query\n\s+[\d,]+ req/);
});

test('the stats table has one row per load step, with executor columns named from the routes', async () => {
  const stats = await readFile(join(project.reportsDir, 'stats.md'), 'utf8');
  const rows = stats.split('\n').filter((line) => /^\|\s*(index|query)\s*\|/.test(line));
  expect(rows).toHaveLength(2);
  const header = stats.split('\n').find((line) => line.includes('Task')) ?? '';
  for (const executor of ['encoder', 'indexer', 'ranker']) expect(header).toContain(executor);
  // Where the time went, beside them (issue 18 item 2).
  for (const column of ['In executors (ms)', 'Gateway own (ms)', 'Client+transport (ms)', 'Generator CPU']) expect(header).toContain(column);
});

test('Allure results carry the config file, job, step kind and step name, and the load attachments', async () => {
  const resultsDir = join(project.reportsDir, 'allure-results');
  const files = await readdir(resultsDir);
  const results = await Promise.all(
    files.filter((file) => file.endsWith('-result.json')).map(async (file) => JSON.parse(await readFile(join(resultsDir, file), 'utf8'))),
  );
  const query = results.find((result) => result.name === 'query');
  expect(query, 'an Allure result for the query step').toBeDefined();
  const labels = Object.fromEntries(query.labels.map((label: { name: string; value: string }) => [label.name, label.value]));
  expect(labels).toMatchObject({ parentSuite: 'stress.yaml', suite: 'images', feature: 'query', story: 'query' });
  // allure-js 3 records each attachment as a step holding it.
  const attachments: Array<{ name: string; source: string }> = [
    ...query.attachments,
    ...query.steps.flatMap((step: { attachments: unknown[] }) => step.attachments),
  ];
  expect(attachments.map((attachment) => attachment.name)).toEqual(
    expect.arrayContaining(['summary.json', 'per-second.csv', 'throughput and latency', 'time per executor', 'where the round trip went']),
  );
  const summarySource = attachments.find((attachment) => attachment.name === 'summary.json')?.source ?? '';
  const summary = JSON.parse(await readFile(join(resultsDir, summarySource), 'utf8'));
  expect(summary.method).toBe('query');
  expect(summary.requests).toBeGreaterThan(0);
  expect(summary.violations.count).toBe(0);
  expect(summary.executors.map((executor: { executor: string }) => executor.executor)).toEqual(expect.arrayContaining(['encoder', 'indexer', 'ranker']));
  // The round trip split over the same requests: the parts add up to their mean round trip,
  // and the executors' part is at least the slowest executor's mean (they run in sequence).
  expect(summary.roundTripSplit).toMatchObject({ status: 'split', requests: summary.okRequests });
  const split = summary.roundTripSplit as { executorsMs: number; gatewayMs: number; clientMs: number; roundTripMs: number };
  expect(split.executorsMs + split.gatewayMs + split.clientMs).toBeCloseTo(split.roundTripMs, 6);
  const slowest = Math.max(...summary.executors.map((executor: { meanMs: number }) => executor.meanMs));
  expect(split.executorsMs).toBeGreaterThanOrEqual(slowest * 0.99);
  const chartSource = attachments.find((attachment) => attachment.name === 'where the round trip went')?.source ?? '';
  expect((await readFile(join(resultsDir, chartSource), 'utf8')).match(/class="split-band"/g)).toHaveLength(3);
  const environment = await readFile(join(resultsDir, 'environment.properties'), 'utf8');
  expect(environment).toMatch(/^images\.gateway=grpc:\/\/127\.0\.0\.1:\d+$/m);
});
