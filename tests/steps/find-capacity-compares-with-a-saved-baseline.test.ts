import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BaselineFile } from '../../src/load/baseline-file.ts';
import type { CapacityResult } from '../../src/load/capacity-result.ts';
import type { LoadResult, RegressionRow } from '../../src/load/load-result.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from '../vitest/support/stress-project.ts';

// find_capacity's regression gate end to end: a first run searches the capacity of a Flow
// known by construction (one executor of 20 ms, two replicas: 100 req/s, as in
// find-capacity-finds-a-known-capacity.test.ts) and save_baseline writes it to a file; a second
// run searches the same Flow with a 40 ms service time (capacity halves by construction) and
// compares with that file: it fails naming capacity, with both brackets. A third run searches
// the 20 ms Flow again against the same baseline and passes: two searches of one Flow land on
// different rates within their brackets, and that is no regression. Probes are short and the
// resolution coarse (10%): the gate needs the brackets, not a fine answer; a probe that lands
// near the limit is measured again (max_repeats: 2), as a stalled second on this shared
// machine can put a short probe's p99 there.
const flowYaml = (serviceMs: number) => `jtype: Flow
with:
  protocol: grpc
executors:
  - name: slow
    uses: FaultExecutor
    uses_with: {latency_ms: ${serviceMs}}
    replicas: 2
`;
const config = (flow: string, extra: string) => `jobs:
  capacity:
    steps:
      - method: create_workspace
        files: [${flow}]
      - method: start_flow
        file: ${flow}
      - method: find_capacity
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        request_size: 1
        objective: { p99_ms: 250, error_rate: 0.01 }
        start_rate: 30
        max_rate: 400
        resolution: 10%
        warmup: 1
        probe_duration: 3
        max_repeats: 2
        max_duration: 150
${extra}      - method: terminate_flow
      - method: delete_workspace
`;

const compared = `        baseline: { file: baselines/run.json }
        regression: { capacity: -10% }
`;

let project: StressProject;
let first: StressRun;
let second: StressRun;
let third: StressRun;
let baselinePath: string;
/** The reports of the second and third runs (each run clears the last one's). */
let secondTexts: string[];
let thirdTexts: string[];

async function reportTexts(): Promise<string[]> {
  const entries = await readdir(project.reportsDir, { recursive: true, withFileTypes: true }).catch(() => []);
  return Promise.all(entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')));
}

beforeAll(async () => {
  project = await createStressProject(
    config(
      'flow-20ms.yml',
      `      - method: save_baseline
        file: baselines/run.json
`,
    ),
  );
  baselinePath = join(project.dir, 'baselines/run.json');
  await writeFile(join(project.dir, 'flow-20ms.yml'), flowYaml(20));
  await writeFile(join(project.dir, 'flow-40ms.yml'), flowYaml(40));
  first = await project.run();
  await writeFile(
    join(project.dir, 'stress.yaml'),
    config('flow-40ms.yml', compared),
  );
  second = await project.run();
  secondTexts = await reportTexts();
  await writeFile(join(project.dir, 'stress.yaml'), config('flow-20ms.yml', compared));
  third = await project.run();
  thirdTexts = await reportTexts();
}, 900_000);

afterAll(() => project?.remove());

describe('find_capacity against a saved baseline', () => {
  test('save_baseline keeps what the search found: status, bracket, resolution, every probe', async () => {
    expect(statesOf(first)['capacity › find_capacity'], first.output).toBe('passed');
    expect(statesOf(first)['capacity › save_baseline']).toBe('passed');
    const baseline = JSON.parse(await readFile(baselinePath, 'utf8')) as BaselineFile;
    const step = baseline.steps.find((candidate) => candidate.job === 'capacity' && candidate.step === 'find_capacity');
    const capacity = step?.capacity as CapacityResult;
    expect(capacity.status).toBe('found');
    if (capacity.status !== 'found') return;
    expect(capacity.plan.resolution).toEqual({ kind: 'relative', share: 0.1 });
    expect(capacity.firstFailingRate - capacity.maxSustainableRate).toBeLessThanOrEqual(0.1 * capacity.maxSustainableRate + 1e-9);
    expect(capacity.probes.length).toBeGreaterThanOrEqual(3);
    // The step's reported phase is the probe at the highest passing rate.
    expect(step!.counters.requests).toBeGreaterThan(0);
  });

  test('half the capacity fails the step naming capacity, with both brackets', async () => {
    const states = statesOf(second);
    expect(states['capacity › find_capacity'], second.output).toBe('failed');
    expect(states['capacity › terminate_flow']).toBe('passed');
    const failure = second.steps?.find((step) => step.job === 'capacity' && step.step === 'find_capacity')?.error ?? '';
    // The search itself found its capacity: the failure is the regression alone.
    expect(failure).toMatch(
      new RegExp(`^\\[REGRESSION\\] Regression in capacity/find_capacity against ${baselinePath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: capacity -\\d+\\.\\d% \\(limit -10\\.0%, brackets [\\d.]+–[\\d.]+ → [\\d.]+–[\\d.]+ req/s: even the first failing rate now`),
    );

    const texts = secondTexts;
    const table = texts.find((text) => text.startsWith(`against ${baselinePath}`));
    expect(table, 'regression.txt attachment').toBeDefined();
    expect(table).toMatch(/metric\s+limit\s+baseline\s+now\s+change\s+brackets \(baseline → now, req\/s\)\s+p\s+probes\s+verdict/);
    expect(table).toMatch(/\ncapacity\s+-10\.0%\s+[\d.]+\s+[\d.]+\s+-\d+\.\d%\s+[\d.]+–[\d.]+ → [\d.]+–[\d.]+\s+-\s+\d+\/\d+\s+REGRESSED/);

    // The comparison as data, against what the baseline file holds and what the target recorded.
    const summary = texts
      .filter((text) => text.startsWith('{') && text.includes('"regression"') && text.includes('"capacity"'))
      .map((text) => JSON.parse(text) as LoadResult)
      .find((report) => report.job === 'capacity' && report.regression?.status === 'compared');
    expect(summary, 'summary.json with the regression report').toBeDefined();
    const now = summary!.capacity as CapacityResult;
    expect(now.status).toBe('found');
    const row = (summary!.regression as { rows: RegressionRow[] }).rows[0]!;
    const saved = (JSON.parse(await readFile(baselinePath, 'utf8')) as BaselineFile).steps[0]!.capacity as CapacityResult & { status: 'found' };
    expect(row.brackets).toEqual({
      baseline: { status: 'found', lastPassing: saved.maxSustainableRate, firstFailing: saved.firstFailingRate },
      now: { status: 'found', lastPassing: (now as { maxSustainableRate: number }).maxSustainableRate, firstFailing: (now as { firstFailingRate: number }).firstFailingRate },
    });
    expect(row.verdict).toBe('regressed');
    expect(row.brackets!.now.firstFailing!).toBeLessThan(saved.maxSustainableRate * 0.9);
    // Ground truth: the target's own spans say the service took about twice as long (the
    // median at each search's lowest rate, where a replica is idle between requests).
    const lowest = (capacity: CapacityResult) => [...capacity.probes].sort((a, b) => a.offeredRate - b.offeredRate)[0]!.executors.slow!.p50Ms;
    console.log(`baseline bracket ${saved.maxSustainableRate}–${saved.firstFailingRate}, service ${lowest(saved).toFixed(1)} ms; now ${row.brackets!.now.lastPassing}–${row.brackets!.now.firstFailing}, service ${lowest(now).toFixed(1)} ms`);
    expect(lowest(now)).toBeGreaterThan(1.5 * lowest(saved));
  });

  test('the same Flow searched again passes against its own baseline', async () => {
    expect(statesOf(third)['capacity › find_capacity'], third.output).toBe('passed');
    const summary = thirdTexts
      .filter((text) => text.startsWith('{') && text.includes('"regression"') && text.includes('"capacity"'))
      .map((text) => JSON.parse(text) as LoadResult)
      .find((report) => report.job === 'capacity' && report.regression?.status === 'compared');
    const row = (summary!.regression as { rows: RegressionRow[] }).rows[0]!;
    console.log(`same Flow: brackets ${JSON.stringify(row.brackets)}, change ${(row.change * 100).toFixed(1)}%, ${row.verdict}`);
    expect(['passed', 'within the brackets']).toContain(row.verdict);
    expect(third.output).toMatch(/regression gate against .*baselines\/run\.json: capacity [+-]\d+\.\d% \[brackets [\d.]+–[\d.]+ → [\d.]+–[\d.]+ req\/s\] (passed|within the brackets)/);
  });
});
