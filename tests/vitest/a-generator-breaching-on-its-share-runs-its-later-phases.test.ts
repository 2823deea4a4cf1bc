import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from '../load/support/reference-target.ts';
import { createStressProject, type StressProject, type StressRun } from './support/stress-project.ts';

// A generator's own verdict on its share is provisional (the merge judges the whole load): a
// threshold its share breaches fails its step there, but does not skip its later phases, or
// the merge of those phases would be a segment short.

let target: ReferenceTarget;
const projects: StressProject[] = [];
let generators: StressRun[];
let merge: StressRun;

beforeAll(async () => {
  target = await startReferenceTarget(faultFlow('work', '{latency_ms: 1}'));
  const config = `jobs:
  phases:
    gateway: { host: 127.0.0.1, port: ${target.target.port}, protocol: grpc }
    steps:
      - method: index
        name: first
        execution_time: 1
        num_clients: 2
        inputs: { method: random_texts, kwargs: { num_docs: 4 } }
        thresholds: { p99_ms: 0.001 }
      - method: index
        name: second
        execution_time: 1
        num_clients: 2
        inputs: { method: random_texts, kwargs: { num_docs: 4 } }
`;
  projects.push(...(await Promise.all([1, 2, 3].map(() => createStressProject(config)))));
  generators = await Promise.all(
    projects.slice(0, 2).map((project, position) =>
      project.run(['--reporter=blob', `--outputFile=.vitest-reports/blob-${position + 1}.json`], { env: { STRESS_SEGMENT: `${position + 1}/2`, STRESS_RUN_ID: 'provisional' } }),
    ),
  );
  const mergeProject = projects[2]!;
  await mkdir(join(mergeProject.dir, '.vitest-reports'), { recursive: true });
  for (const [position, project] of projects.slice(0, 2).entries()) {
    await copyFile(join(project.dir, '.vitest-reports', `blob-${position + 1}.json`), join(mergeProject.dir, '.vitest-reports', `blob-${position + 1}.json`));
  }
  merge = await mergeProject.run(['--merge-reports']);
}, 180_000);

afterAll(async () => {
  for (const project of projects) await project.remove();
  await target?.stop();
});

test('each generator fails the breaching step on its share and still runs the next phase', () => {
  for (const run of generators) {
    const steps = Object.fromEntries((run.steps ?? []).map((record) => [record.step, record.state]));
    expect(steps, run.output).toEqual({ first: 'failed', second: 'passed' });
    expect(run.output).toContain('provisional, the merge judges the whole load; the job goes on');
  }
});

test('the merge judges both phases whole: the breach fails the first, the second has both segments and passes', () => {
  expect(merge.exitCode, merge.output).toBe(1);
  expect(merge.output).toMatch(/✗ phases › first \(2 segments\)/);
  expect(merge.output).toMatch(/✓ phases › second \(2 segments\)/);
});
