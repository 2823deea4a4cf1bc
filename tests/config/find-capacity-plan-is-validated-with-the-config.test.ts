import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, test } from 'vitest';
import type { FindCapacityParams } from '../../src/capacity/find-capacity-params.ts';
import { countProbesNeeded, probeCostS } from '../../src/capacity/search-plan.ts';
import { validateConfigText } from '../../src/config/validate-config.ts';

// find_capacity's search plan is checked with the config, before anything runs: how many
// probes max_duration holds against how many the resolution may need, and the keys that make
// no plan. Each problem at its key, with its line.
const configPath = join(tmpdir(), 'capacity.yaml');

function validate(step: string) {
  const text = `jobs:\n  j:\n    gateway: { host: localhost, port: 23456 }\n    steps:\n      - method: find_capacity\n        inputs: { method: random_texts }\n${step
    .trim()
    .split('\n')
    .map((line) => `        ${line}`)
    .join('\n')}\n`;
  return validateConfigText(text, { configPath, env: {} });
}

function problemsOf(step: string) {
  const validation = validate(step);
  if (validation.status !== 'invalid') throw new Error('expected an invalid config');
  return validation.problems.map((problem) => ({ path: problem.yamlPath, line: problem.line, message: problem.message, hint: problem.hint }));
}

describe('find_capacity plan validation', () => {
  test('a plan that cannot reach its resolution within max_duration says how many probes fit and how many it needs', () => {
    const [problem, ...rest] = problemsOf(`
objective: { p99_ms: 200 }
start_rate: 10
max_rate: 1000
resolution: 2%
warmup: 1
probe_duration: 5
max_duration: 60`);
    expect(rest).toEqual([]);
    // 10 → 1000 by 2: 7 growth steps + the start; the widest bracket (100%) halved to 2%: 6.
    expect(countProbesNeeded({ startRate: 10, maxRate: 1000, growth: 2, resolution: { kind: 'relative', share: 0.02 } })).toEqual({ growth: 8, bisection: 6 });
    expect(probeCostS({ warmupS: 1, probeDurationS: 5 })).toBe(7);
    expect(problem).toEqual({
      path: 'jobs.j.steps[0].max_duration',
      line: 13,
      message:
        'max_duration 60 s fits 8 probes of 7 s (warmup 1 s + probe_duration 5 s + ~1 s to connect and drain), but reaching 2% from start_rate 10 up to max_rate 1000 by growth 2 may need 14 (8 growth + 6 bisection)',
      hint: 'set max_duration to at least 98 s, or shorten warmup/probe_duration, coarsen resolution, or narrow start_rate..max_rate',
    });
  });

  test('the same plan with room for it is valid, and its params carry the plan, the objective and the probe template', () => {
    const validation = validate(`
objective: { p99_ms: 200, executor: { indexer: { p95_ms: 50 } } }
start_rate: 10
max_rate: 1000
resolution: 3
warmup: 1
probe_duration: 5
max_duration: 2m
client: websocket
request_size: 4`);
    expect(validation.status).toBe('valid');
    if (validation.status !== 'valid') return;
    const step = validation.plan.jobs[0]!.steps[0]!;
    expect(step.kind).toBe('find_capacity');
    const params = step.params as FindCapacityParams;
    expect(params.plan).toEqual({ startRate: 10, maxRate: 1000, growth: 2, resolution: { kind: 'absolute', rate: 3 }, warmupS: 1, probeDurationS: 5, maxDurationS: 120, maxRepeats: 1 });
    expect(params.objective).toEqual({ p99Ms: 200, errorRate: 0.01, executor: { indexer: { p95Ms: 50, p99Ms: undefined } } });
    expect(params.load).toMatchObject({ client: 'websocket', requestSize: 4, endpoint: '/search', topK: 10, arrival: { arrivalRate: 10, durationS: 5, allowLag: true } });
    expect(params.load.gateway).toMatchObject({ host: 'localhost', port: 23456 });
  });

  test('keys that make no plan are each reported at their line', () => {
    expect(
      problemsOf(`
objective: { error_rate: 0.02 }
start_rate: 500
max_rate: 400
growth: 1
resolution: "0%"
probe_duration: 0
execution_time: 10`),
    ).toEqual([
      { path: 'jobs.j.steps[0].objective', line: 7, message: 'the objective has no latency limit', hint: expect.stringContaining('add p99_ms') },
      { path: 'jobs.j.steps[0].start_rate', line: 8, message: 'start_rate 500 is above max_rate 400', hint: expect.stringContaining('lower start_rate') },
      { path: 'jobs.j.steps[0].growth', line: 10, message: 'expected a number above 1 (at most 10)', hint: expect.any(String) },
      { path: 'jobs.j.steps[0].resolution', line: 11, message: 'expected a share like "5%" or a rate in requests per second like 2', hint: expect.any(String) },
      { path: 'jobs.j.steps[0].probe_duration', line: 12, message: 'probe_duration is 0', hint: expect.any(String) },
      { path: 'jobs.j.steps[0].execution_time', line: 13, message: 'unknown key "execution_time"', hint: 'execution_time is a key of index, query steps, not find_capacity' },
    ]);
  });

  test('a find_capacity without a gateway to send to is a lifecycle problem, like a load step', () => {
    const validation = validateConfigText('jobs:\n  j:\n    steps:\n      - method: find_capacity\n        inputs: { method: random_texts }\n        objective: { p99_ms: 100 }\n        start_rate: 5\n', { configPath, env: {} });
    expect(validation.status).toBe('invalid');
    if (validation.status !== 'invalid') return;
    expect(validation.problems.map((problem) => [problem.yamlPath, problem.line])).toEqual([['jobs.j.steps[0].method', 4]]);
    expect(validation.problems[0]!.message).toMatch(/^find_capacity needs a running Flow/);
  });
});
