import { z } from 'zod';
import { nonNegativeInteger, positiveInteger, positiveNumber, ratio, seconds, text } from '../config/field-schemas.ts';
import { WORK_BOUNDS } from '../config/work-bounds.ts';
import type { FindCapacityParams } from '../capacity/find-capacity-params.ts';
import { explainPlanMisfit } from '../capacity/search-plan.ts';
import type { CapacityObjective, CapacityPlan, CapacityResolution } from '../load/capacity-result.ts';
import type { LoadStepParams } from '../load/load-params.ts';
import type { ReportParameter } from './define-step.ts';
import { defineStep } from './define-step.ts';
import { checkLoadKeys, loadKeys, loadStepInJob, toLoadParams } from './load-step-keys.ts';
import { capacityRegressionKeys, checkRegressionKeys, toCapacityGate } from './regression-keys.ts';
import { executorThresholds } from './threshold-keys.ts';

/**
 * The load keys that mean the same here; the schedule, its length and the thresholds are the
 * search's own, and its regression gate compares capacities (capacityRegressionKeys), not
 * per-second samples.
 */
function sharedLoadKeys(context: Parameters<typeof loadKeys>[0]) {
  const { execution_time, arrival_rate, ramp_to, duration, allow_lag, thresholds, abort_on_fail, baseline, regression, ...shared } = loadKeys(context);
  return shared;
}

const objectiveSchema = z
  .strictObject(
    {
      p95_ms: positiveNumber('A probe fails when its client round trip p95 exceeds this many milliseconds.').optional(),
      p99_ms: positiveNumber('A probe fails when its client round trip p99 exceeds this many milliseconds.').optional(),
      error_rate: ratio('A probe fails when more than this fraction of its answered requests fail (default 0.01).').default(0.01),
      executor: z
        .record(text('Executor name as it appears in the response routes.'), executorThresholds, {
          error: 'expected a mapping of executor name to {p95_ms, p99_ms}',
        })
        .optional()
        .describe('Per-executor time limits, by executor name.'),
    },
    { error: 'expected a mapping like {p99_ms: 200, error_rate: 0.01}' },
  )
  .transform(
    (o): CapacityObjective => ({
      ...(o.p95_ms !== undefined ? { p95Ms: o.p95_ms } : {}),
      ...(o.p99_ms !== undefined ? { p99Ms: o.p99_ms } : {}),
      errorRate: o.error_rate,
      ...(o.executor ? { executor: o.executor } : {}),
    }),
  )
  .describe('What a rate must meet to count as sustainable: p99_ms / p95_ms of the round trip, error_rate, executor limits.');

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;
const resolutionError = 'expected a share like "5%" or a rate in requests per second like 2';
const resolutionSchema = z
  .union([z.number(), z.string()], { error: resolutionError })
  .transform((value, context): CapacityResolution => {
    const percent = typeof value === 'string' ? PERCENT.exec(value.trim()) : undefined;
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) return { kind: 'absolute', rate: value };
    if (percent && Number(percent[1]) > 0 && Number(percent[1]) < 100) return { kind: 'relative', share: Number(percent[1]) / 100 };
    context.issues.push({ code: 'custom', message: resolutionError, input: value });
    return { kind: 'relative', share: 0.05 };
  })
  .describe('How narrow the final bracket must be: a share of the passing rate ("5%", default) or requests per second.');

const DEFAULT_MAX_RATE = WORK_BOUNDS.arrival_rate.max;

/**
 * Searches the open model's arrival rate for the highest rate the Flow sustains within an
 * objective (src/capacity): exponential growth, then bisection to a resolution, each probe
 * after a warm-up, marginal probes repeated, the whole search within max_duration.
 */
export const findCapacity = defineStep({
  kind: 'find_capacity',
  description: 'Find the highest arrival rate the Flow sustains within an objective (p99, error rate): growth, then bisection to a resolution.',
  schema: (context) => ({
    ...sharedLoadKeys(context),
    ...capacityRegressionKeys(context),
    top_k: positiveInteger('Matches per query document, sent as parameters.top_k (default 10).').default(10),
    objective: objectiveSchema,
    start_rate: positiveNumber('Requests per second of the first probe; it must meet the objective.'),
    max_rate: positiveNumber(`Highest rate probed, requests per second (default ${DEFAULT_MAX_RATE.toLocaleString('en-US')}).`).default(DEFAULT_MAX_RATE),
    growth: z
      .number({ error: 'expected a number above 1 (at most 10)' })
      .gt(1, { error: 'expected a number above 1 (at most 10)' })
      .max(10, { error: 'expected a number above 1 (at most 10)' })
      .default(2)
      .describe('Factor between growth probes until the objective breaks (default 2).'),
    resolution: resolutionSchema.prefault('5%'),
    warmup: seconds('Seconds each probe runs at its rate before measuring; discarded (default 2).').default(2),
    probe_duration: seconds('Seconds each probe is measured (default 10).').default(10),
    max_repeats: nonNegativeInteger('Repeats of a probe that lands near a limit, within the resolution or its confidence (default 1).').default(1),
    max_duration: seconds('Seconds the whole search may take; validated against the plan (default 600).').default(600),
  }),
  check: checkFindCapacityKeys,
  toParams: ({ top_k, objective, start_rate, max_rate, growth, resolution, warmup, probe_duration, max_repeats, max_duration, baseline, regression, ...input }, report): FindCapacityParams => {
    const plan: CapacityPlan = {
      startRate: start_rate,
      maxRate: max_rate,
      growth,
      resolution,
      warmupS: warmup,
      probeDurationS: probe_duration,
      maxDurationS: max_duration,
      maxRepeats: max_repeats,
    };
    const misfit = start_rate <= max_rate && probe_duration > 0 ? explainPlanMisfit(plan) : undefined;
    if (misfit) report(['max_duration'], misfit.message, misfit.hint);
    const load = toLoadParams(
      {
        ...input,
        execution_time: probe_duration,
        arrival_rate: start_rate,
        ramp_to: undefined,
        duration: probe_duration,
        // Late starts are in the latency (it counts from the intended start); the generator's own
        // saturation is judged apart and stops the search.
        allow_lag: true,
        thresholds: objectiveThresholds(objective),
        abort_on_fail: false,
      },
      '/search',
    );
    const gate = toCapacityGate(baseline, regression);
    return { load: { ...load, topK: top_k }, objective, plan, ...(gate ? { regression: gate } : {}) };
  },
  inJob: (params, job) => ({ ...params, load: loadStepInJob(params.load, job) }),
  needs: ['gateway'],
  role: 'work',
  data: 'reads',
  parameters: describeFindCapacityParameters,
  // The search stops itself at max_duration; the margin covers a probe already running then.
  timeoutMs: (params) => (params.plan.maxDurationS + probeSlackS(params.plan) + 60) * 1000 + params.load.requestTimeoutMs,
  preload: () => import('./run-find-capacity.ts'),
  run: async (context, params) => (await import('./run-find-capacity.ts')).runFindCapacity(context, params),
});

function probeSlackS(plan: CapacityPlan): number {
  return plan.warmupS + plan.probeDurationS;
}

function objectiveThresholds(objective: CapacityObjective): LoadStepParams['thresholds'] {
  return {
    ...(objective.p95Ms !== undefined ? { p95Ms: objective.p95Ms } : {}),
    ...(objective.p99Ms !== undefined ? { p99Ms: objective.p99Ms } : {}),
    errorRate: objective.errorRate,
    ...(objective.executor ? { executor: objective.executor } : {}),
  };
}

/** Rules across keys, on the step as written (defaults not applied). */
function checkFindCapacityKeys(step: Readonly<Record<string, unknown>>, report: Parameters<typeof checkLoadKeys>[1], context: Parameters<typeof checkLoadKeys>[2]): void {
  // The shared rules (client options, inputs and checks, work bounds). An arrival rate stands in
  // for start_rate so that max_in_flight, an open-model key, counts as in the open model; the
  // rates themselves are bounded below, at their own keys.
  // The regression keys are checked apart, with hints about capacity rather than p99.
  const { baseline: _baseline, regression: _regression, ...loadStep } = step;
  checkLoadKeys({ ...loadStep, arrival_rate: 1 }, report, context);
  checkRegressionKeys(step, report, 'capacity: -10%');
  const objective = step.objective;
  if (objective && typeof objective === 'object' && !Array.isArray(objective)) {
    const o = objective as Record<string, unknown>;
    if (o.p95_ms === undefined && o.p99_ms === undefined && o.executor === undefined) {
      report(['objective'], 'the objective has no latency limit', 'add p99_ms (or p95_ms, or executor limits): overload shows as latency long before errors');
    }
  }
  const limits = step.limits && typeof step.limits === 'object' ? (step.limits as Record<string, unknown>) : {};
  const ceiling = typeof limits.arrival_rate === 'number' ? limits.arrival_rate : WORK_BOUNDS.arrival_rate.max;
  for (const key of ['start_rate', 'max_rate'] as const) {
    const value = step[key];
    if (typeof value === 'number' && value > ceiling) {
      report([key], `${key} ${value.toLocaleString('en-US')} is above the arrival_rate ceiling of ${ceiling.toLocaleString('en-US')}`, `${WORK_BOUNDS.arrival_rate.costs}; if the test really needs more, add limits: { arrival_rate: ${value} } to this step`);
    }
  }
  if (typeof step.start_rate === 'number' && typeof step.max_rate === 'number' && step.start_rate > step.max_rate) {
    report(['start_rate'], `start_rate ${step.start_rate} is above max_rate ${step.max_rate}`, 'the search grows from start_rate up to max_rate: lower start_rate or raise max_rate');
  }
  if (step.probe_duration === 0) report(['probe_duration'], 'probe_duration is 0', 'a probe must measure something: give it seconds (10 is the default)');
}

function describeFindCapacityParameters(params: FindCapacityParams): ReportParameter[] {
  const { plan, objective, load } = params;
  const limits = [
    objective.p99Ms !== undefined ? `p99 ≤ ${objective.p99Ms} ms` : '',
    objective.p95Ms !== undefined ? `p95 ≤ ${objective.p95Ms} ms` : '',
    `errors ≤ ${objective.errorRate * 100}%`,
    ...Object.entries(objective.executor ?? {}).map(([name, own]) => `${name} ${own.p99Ms !== undefined ? `p99 ≤ ${own.p99Ms}` : `p95 ≤ ${own.p95Ms}`} ms`),
  ].filter(Boolean);
  return [
    { name: 'client', value: load.client },
    { name: 'request_size', value: String(load.requestSize) },
    { name: 'objective', value: limits.join(', ') },
    { name: 'search', value: `from ${plan.startRate} req/s ×${plan.growth} up to ${plan.maxRate}, resolution ${plan.resolution.kind === 'relative' ? `${plan.resolution.share * 100}%` : `${plan.resolution.rate} req/s`}` },
    { name: 'probe', value: `${plan.warmupS} s warm-up + ${plan.probeDurationS} s, at most ${plan.maxDurationS} s in all` },
    { name: 'inputs', value: load.inputs.method },
    ...(params.regression ? [{ name: 'regression', value: `capacity -${params.regression.capacityLimit * 100}% against ${params.regression.source.kind === 'file' ? params.regression.source.file : `s3://${params.regression.source.bucket}/${params.regression.source.key}`}` }] : []),
  ];
}
