import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createS3Client } from '../../src/sinks/s3-connection.ts';
import { type SlackReceiver, startSlackReceiver } from '../sinks/start-slack-receiver.ts';
import { type RunningS3rver, startS3rver } from '../sinks/start-s3rver.ts';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// Two jobs on a daemon the config names. In both the index step fails its threshold. The first
// job has its own teardown steps and the report steps (collect_stats, upload_to_s3,
// notify_slack), which still run; the second has none, and the job's cleanup removes what it
// created. The agent is asked afterwards what it still holds.
const BUCKET = 'failed-run-reports';
const TFID = `failed-run-${process.pid}`;
let s3: RunningS3rver;
let slack: SlackReceiver;
let agent: ExternalAgent;
let project: StressProject;
let run: StressRun;
let heldDuringRun: { flows: string[]; workspaces: string[] } | undefined;

beforeAll(async () => {
  [agent, s3, slack] = await Promise.all([startExternalAgent(), startS3rver([BUCKET]), startSlackReceiver('/services/T0FAILED/B0FAILED/failedRunHook')]);
  const reportSteps = [
    '      - method: collect_stats',
    '      - method: upload_to_s3',
    '        directory: reports',
    `        bucket: ${BUCKET}`,
    `        endpoint: ${s3.connection.endpoint}`,
    '        force_path_style: true',
    '      - method: notify_slack',
    '        title: failed run',
    '',
  ].join('\n');
  const job = (name: string, teardown: string) => `
  ${name}:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        thresholds: { p99_ms: 0.001 }
      - method: query
        execution_time: 1
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
${teardown}`;
  project = await createStressProject(
    `jobs:${job('with-teardown', `      - method: terminate_flow\n      - method: delete_workspace\n${reportSteps}`)}${job('without-teardown', '')}`,
  );
  const { accessKeyId = '', secretAccessKey = '' } = s3.connection.credentials ?? {};
  run = await project.run([], {
    env: { STRESS_TEST_SLACK_WEBHOOK: slack.url, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1', TFID },
    onOutput: (chunk) => {
      // Sampled once the second job's flow is up: proves there was something to clean.
      if (!heldDuringRun && chunk.includes('[without-teardown › start_flow]')) {
        void agent.holdings().then((held) => (heldDuringRun = held));
      }
    },
  });
}, 120_000);

afterAll(async () => {
  await project?.remove();
  await Promise.all([agent?.close(), s3?.stop(), slack?.close()]);
});

test('the failing step fails with the threshold table, later work steps are skipped, teardown and report steps run', () => {
  expect(run.exitCode).not.toBe(0);
  expect(statesOf(run)).toEqual({
    'with-teardown › create_workspace': 'passed',
    'with-teardown › start_flow': 'passed',
    'with-teardown › index': 'failed',
    'with-teardown › query': 'skipped',
    'with-teardown › terminate_flow': 'passed',
    'with-teardown › delete_workspace': 'passed',
    'with-teardown › collect_stats': 'passed',
    'with-teardown › upload_to_s3': 'passed',
    'with-teardown › notify_slack': 'passed',
    'without-teardown › create_workspace': 'passed',
    'without-teardown › start_flow': 'passed',
    'without-teardown › index': 'failed',
    'without-teardown › query': 'skipped',
  });
  const index = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'index');
  expect(index?.error).toMatch(/^\[THRESHOLD\] Threshold breached in with-teardown\/index: p99_ms measured [\d.]+, limit 0\.001/);
  const query = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'query');
  expect(query?.skipReason).toMatch(/^skipped because step "index" failed earlier in job "with-teardown"/);
});

test('the failed load step still leaves its numbers, in its summary and in the stats table collected after it', async () => {
  const index = run.steps?.find((step) => step.job === 'with-teardown' && step.step === 'index');
  expect(index?.summaries[0]).toMatch(/^[\d,]+ req, [\d,]+ docs/);
  // Issue 9 item 9: a failed load step no longer skips collect_stats and loses the table.
  const stats = JSON.parse(await readFile(join(project.reportsDir, 'stats.json'), 'utf8')) as { rows: Array<{ job: string; task: string; passed: boolean; failure?: string; requests: number }> };
  expect(stats.rows.map((row) => [row.job, row.task, row.passed])).toEqual([['with-teardown', 'index', false]]);
  expect(stats.rows[0]?.requests).toBeGreaterThan(0);
  expect(stats.rows[0]?.failure).toMatch(/^Threshold breached in with-teardown\/index: p99_ms measured/);
});

test('the failed run is shipped and reported, not skipped: the stats table is in S3 and Slack hears that it failed', async () => {
  const client = createS3Client(s3.connection);
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${TFID}/stats.md` }));
  const markdown = (await object.Body?.transformToString()) ?? '';
  expect(markdown).toMatch(/\| index \|.*\| FAIL \|/);
  client.destroy();

  expect(slack.posts).toHaveLength(1);
  const message = slack.posts[0]!.body;
  expect(message.text).toBe('failed run: FAILED');
  expect(JSON.stringify(message.blocks)).toContain('Threshold breached in with-teardown/index: p99_ms measured');
  expect(JSON.stringify(message.blocks)).toContain(`${TFID}/stats.md`);
});

test('nothing is left running on the daemon, though the second job had a flow and a workspace', async () => {
  expect(heldDuringRun?.flows.length).toBeGreaterThan(0);
  expect(heldDuringRun?.workspaces.length).toBeGreaterThan(0);
  expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
});
