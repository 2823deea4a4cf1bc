import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createStressProject, type StressProject } from './support/stress-project.ts';

let project: StressProject | undefined;

afterEach(async () => {
  await project?.remove();
  project = undefined;
});

// A failed step exits 1 (tests/vitest/junit-has-one-testcase-per-step-and-the-threshold-table).
test('npx vitest run exits 2 for an invalid config, as jina-stress validate does', async () => {
  project = await createStressProject('jobs:\n  broken:\n    steps:\n      - method: index\n        num_clientz: 4\n        inputs: { method: random_texts }\n');
  const run = await project.run();
  expect(run.output).toContain('[CONFIG_INVALID]');
  expect(run.output).toContain('num_clientz');
  expect(run.exitCode).toBe(2);
  expect(run.steps).toBeUndefined();
  // The problems alone: no "Unhandled Error", no stack frames under them.
  expect(run.output).not.toMatch(/Unhandled Error|\n\s+(❯|at) .*:\d+:\d+/);
}, 60_000);

test('npx vitest run exits 2 for a config that does not exist and for a -t that selects no step', async () => {
  project = await createStressProject('jobs:\n  fine:\n    steps:\n      - method: collect_stats\n');
  const empty = await project.run(['-t', 'no step has this name']);
  expect(empty.output).toContain('[SELECTION_EMPTY]');
  expect(empty.exitCode).toBe(2);
  await rm(join(project.dir, 'stress.yaml'));
  const missing = await project.run();
  expect(missing.output).toContain('[CONFIG_NOT_FOUND]');
  expect(missing.exitCode).toBe(2);
  for (const run of [empty, missing]) expect(run.output).not.toMatch(/Unhandled Error|\n\s+(❯|at) .*:\d+:\d+/);
}, 60_000);
