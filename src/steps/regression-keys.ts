import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { runtimePath, type PathContext } from '../config/config-paths.ts';
import { closestMatch } from '../config/did-you-mean.ts';
import { flag, oneOf, text } from '../config/field-schemas.ts';
import { parseFlowYaml } from '../config/flow-yaml-document.ts';
import type { StepInJob, StepProblemReport } from '../config/step-schema-definition.ts';
import { MIN_REGRESSION_SECONDS, type CapacityGate, type RegressionGate, type RegressionLimit, type RegressionMetric } from '../load/load-params.ts';
import { DEFAULT_BUCKET } from './s3-keys.ts';

/**
 * A change limit as written: `+10%` (latencies: an increase) or `-5%` (rates: a decrease).
 * The sign may be left out; a sign against the metric's direction is an error, because
 * `p99: -10%` most likely means "fail when p99 improves", which nobody wants.
 */
function change(metric: string, direction: 'increase' | 'decrease', description?: string) {
  const sign = direction === 'increase' ? '+' : '-';
  const example = `${sign}10%`;
  return z
    .string({ error: `expected a change like ${example}` })
    .regex(/^[+-]?\d+(\.\d+)?%$/, { error: `expected a percentage like ${example}` })
    .refine((value) => !value.startsWith(direction === 'increase' ? '-' : '+'), {
      error: `${metric} regresses when it ${direction === 'increase' ? 'rises' : 'falls'}: write ${example}, not ${value0(direction)}`,
    })
    .transform((value) => Math.abs(Number.parseFloat(value)) / 100)
    .describe(description ?? `Fail when ${metric} ${direction === 'increase' ? 'rises' : 'falls'} by more than this (e.g. ${example}), significantly.`);
}

const value0 = (direction: 'increase' | 'decrease') => (direction === 'increase' ? '-10%' : '+10%');

const roundTripMetrics = {
  p50: 'the round-trip p50',
  p95: 'the round-trip p95',
  p99: 'the round-trip p99',
  qps: 'requests per second',
  docs_per_sec: 'documents per second',
} as const;

const executorMetrics = { mean: 'its mean time', p95: 'its p95 time', p99: 'its p99 time' } as const;

const executorLimits = z.strictObject(
  {
    mean: change('the executor mean time', 'increase').optional(),
    p95: change('the executor p95', 'increase').optional(),
    p99: change('the executor p99', 'increase').optional(),
  },
  { error: `expected a mapping of ${Object.keys(executorMetrics).join(', ')} to a change like +15%` },
);

const regressionSchema = z
  .strictObject(
    {
      p50: change('p50', 'increase').optional(),
      p95: change('p95', 'increase').optional(),
      p99: change('p99', 'increase').optional(),
      qps: change('qps', 'decrease').optional(),
      docs_per_sec: change('docs_per_sec', 'decrease').optional(),
      executor: z
        .record(text('Executor name as it appears in the response routes.'), executorLimits, { error: 'expected a mapping of executor name to its limits' })
        .optional()
        .describe('Per-executor limits, by executor (deployment) name.'),
    },
    { error: `expected a mapping of metrics (${Object.keys(roundTripMetrics).join(', ')}, executor) to changes like +10%` },
  )
  .describe('How much worse than the baseline this step may get: e.g. {p99: +10%, qps: -5%, executor: {indexer: {p95: +15%}}}.');

const s3BaselineSchema = z
  .strictObject(
    {
      key: text('Object key of the baseline (what save_baseline wrote with s3_key).'),
      bucket: text(`S3 bucket (default ${DEFAULT_BUCKET}).`).default(DEFAULT_BUCKET),
      endpoint: text('Endpoint URL of an S3-compatible store (default: AWS).').optional(),
      region: text('AWS region (default: from the standard credential chain).').optional(),
      force_path_style: flag('Address buckets by path (needed by most S3-compatible stores).').optional(),
    },
    { error: 'expected a mapping with key (and bucket, endpoint, region, force_path_style)' },
  )
  .describe('The baseline as an S3 object written by an earlier run (save_baseline with s3_key).');

function baselineSchema(context: PathContext) {
  return z
    .strictObject(
      {
        file: runtimePath(context, 'The baseline JSON file (save_baseline wrote it), relative to the working directory.').optional(),
        s3: s3BaselineSchema.optional(),
        step: text("The baseline's step to compare with (default: the step of the same job and name).").optional(),
        if_missing: oneOf(['fail', 'pass'], 'When the baseline (or its step) is missing: fail the step (default), or pass and say it was skipped.').default('fail'),
      },
      { error: 'expected a mapping with file or s3' },
    )
    .describe('The stored run this step compares itself with (the regression gate).');
}

/** `baseline:` and `regression:` of a load step. */
export function regressionKeys(context: PathContext) {
  return {
    baseline: baselineSchema(context).optional(),
    regression: regressionSchema.optional(),
  };
}

/**
 * find_capacity's `regression:`: only `capacity`, a fall. A search has no per-second series
 * to rank, so the latency and rate limits of a load step mean nothing here.
 */
const capacityRegressionSchema = z
  .strictObject(
    { capacity: change('capacity', 'decrease', 'Fail when the capacity falls by more than this (e.g. -10%), beyond both brackets.').optional() },
    { error: 'expected a mapping like {capacity: -10%} (find_capacity compares only its capacity)' },
  )
  .describe('How much lower than the baseline the capacity may be: e.g. {capacity: -10%}; fails only when the whole new bracket is below the limit.');

/** `baseline:` and `regression:` of find_capacity. */
export function capacityRegressionKeys(context: PathContext) {
  return {
    baseline: baselineSchema(context).optional(),
    regression: capacityRegressionSchema.optional(),
  };
}

type CapacityLimitsInput = z.output<typeof capacityRegressionSchema>;

/** find_capacity's gate as the step runs it, or undefined without a baseline or a limit. */
export function toCapacityGate(baseline: RegressionInput, limits: CapacityLimitsInput | undefined): CapacityGate | undefined {
  const gate = toRegressionGate(baseline, limits ? {} : undefined);
  if (!gate || limits?.capacity === undefined) return undefined;
  const { limits: _none, ...rest } = gate;
  return { ...rest, capacityLimit: limits.capacity };
}

type RegressionInput = z.output<ReturnType<typeof regressionKeys>['baseline']>;
type LimitsInput = z.output<typeof regressionSchema>;

/** The rules between the keys, on the step as written; `example` is a limit the hints suggest. */
export function checkRegressionKeys(step: Readonly<Record<string, unknown>>, report: StepProblemReport, example = 'p99: +10%'): void {
  const baseline = step.baseline;
  const hasBaseline = baseline !== undefined;
  if (step.regression !== undefined && !hasBaseline) {
    report(['regression'], 'regression needs a baseline to compare with', 'add baseline: {file: …} or baseline: {s3: {bucket, key}} (written by an earlier run’s save_baseline)');
  }
  if (hasBaseline && step.regression === undefined) {
    report(['baseline'], 'baseline without regression limits compares nothing', `add regression: e.g. {${example === 'p99: +10%' ? 'p99: +10%, qps: -5%' : example}}`);
  }
  if (baseline && typeof baseline === 'object' && !Array.isArray(baseline)) {
    const { file, s3 } = baseline as Record<string, unknown>;
    if ((file === undefined) === (s3 === undefined)) {
      report(['baseline'], file === undefined ? 'baseline names neither file nor s3' : 'baseline names both file and s3', 'give one source: file: path, or s3: {bucket, key}');
    }
  }
  const regression = step.regression;
  if (regression && typeof regression === 'object' && !Array.isArray(regression) && Object.keys(regression).length === 0) {
    report(['regression'], 'regression sets no limit', `add at least one, e.g. ${example}`);
  }
  const phaseS = typeof step.duration === 'number' ? step.duration : typeof step.execution_time === 'number' ? step.execution_time : undefined;
  if (step.regression !== undefined && phaseS !== undefined && phaseS < MIN_REGRESSION_SECONDS) {
    report(
      ['regression'],
      `the regression gate compares per-second samples, and a ${phaseS} s phase has too few`,
      `run the phase for at least ${MIN_REGRESSION_SECONDS} s (a rank test on fewer seconds can never be significant at alpha 0.05)`,
    );
  }
}

/** The gate as the step runs it, or undefined without a baseline. */
export function toRegressionGate(baseline: RegressionInput, limits: LimitsInput | undefined): RegressionGate | undefined {
  if (!baseline || !limits) return undefined;
  const source: RegressionGate['source'] = baseline.s3
    ? {
        kind: 's3',
        key: baseline.s3.key,
        bucket: baseline.s3.bucket,
        endpoint: baseline.s3.endpoint,
        region: baseline.s3.region,
        forcePathStyle: baseline.s3.force_path_style,
      }
    : { kind: 'file', file: baseline.file as string };
  return { source, ...(baseline.step ? { step: baseline.step } : {}), ifMissing: baseline.if_missing, limits: limitsOf(limits) };
}

function limitsOf(limits: LimitsInput): RegressionLimit[] {
  const list: RegressionLimit[] = [];
  for (const metric of Object.keys(roundTripMetrics) as RegressionMetric[]) {
    const limit = limits[metric as keyof typeof roundTripMetrics];
    if (limit !== undefined) list.push({ metric, limit });
  }
  for (const [executor, own] of Object.entries(limits.executor ?? {})) {
    for (const metric of Object.keys(executorMetrics) as Array<keyof typeof executorMetrics>) {
      const limit = own[metric];
      if (limit !== undefined) list.push({ metric, executor, limit });
    }
  }
  return list;
}

/**
 * Executors named in `regression.executor` against the job's Flow (the latest start_flow
 * before the step): a typo is a config problem, not a failed run. A Flow file that does not
 * read as plain YAML (a template) is not checked here; the run then names what is missing.
 */
export function checkRegressionExecutors(gate: RegressionGate | undefined, job: StepInJob): void {
  const named = [...new Set(gate?.limits.flatMap((limit) => (limit.executor ? [limit.executor] : [])) ?? [])];
  if (named.length === 0 || !job.flowFile) return;
  const executors = flowExecutorNames(job.flowFile);
  if (!executors) return;
  for (const executor of named) {
    if (executors.includes(executor)) continue;
    const match = closestMatch(executor, executors);
    job.problems.add([...job.at, 'regression', 'executor', executor], `unknown executor "${executor}"`, {
      role: 'key',
      hint: `${match ? `did you mean "${match}"? ` : ''}the Flow ${job.flowFile} has: ${executors.join(', ') || '(no executors)'}`,
    });
  }
}

function flowExecutorNames(file: string): string[] | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.includes('{{')) return undefined;
    const flow = parseFlowYaml(text, file) as { executors?: Array<{ name?: unknown }> } | null;
    if (!flow || !Array.isArray(flow.executors)) return undefined;
    return flow.executors.flatMap((executor) => (typeof executor?.name === 'string' ? [executor.name] : []));
  } catch {
    return undefined;
  }
}
