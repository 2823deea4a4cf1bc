import { z } from 'zod';
import { nonNegativeInteger, positiveNumber, ratio, text } from '../config/field-schemas.ts';
import type { Thresholds } from '../load/load-params.ts';

export const executorThresholds = z
  .strictObject({
    p95_ms: positiveNumber('Fail when the p95 time of this executor exceeds this many milliseconds.').optional(),
    p99_ms: positiveNumber('Fail when the p99 time of this executor exceeds this many milliseconds.').optional(),
  }, { error: 'expected a mapping with p95_ms and/or p99_ms' })
  .transform(({ p95_ms, p99_ms }) => ({ p95Ms: p95_ms, p99Ms: p99_ms }));

/** `thresholds:` of a load step: limits that fail it. */
export const thresholdsSchema = z
  .strictObject(
    {
      p95_ms: positiveNumber('Fail when the client round trip p95 exceeds this many milliseconds.').optional(),
      p99_ms: positiveNumber('Fail when the client round trip p99 exceeds this many milliseconds.').optional(),
      error_rate: ratio('The error budget: fail when more than this fraction of completed requests fail (default 0.01 = 1%; 0 allows none).').optional(),
      min_docs_per_sec: positiveNumber('Fail when fewer documents per second were processed.').optional(),
      min_qps: positiveNumber('Fail when fewer requests per second completed.').optional(),
      max_violations: nonNegativeInteger('Fail when the on_always check reports more violations than this.').optional(),
      max_generator_cpu: ratio(
        "Fail when the generator's own mean CPU exceeds this share of the cores it may use (0.9 = 90%): the results would measure the generator, not the Flow.",
      ).optional(),
      executor: z
        .record(text('Executor name as it appears in the response routes.'), executorThresholds, {
          error: 'expected a mapping of executor name to {p95_ms, p99_ms}',
        })
        .optional()
        .describe('Per-executor time limits, by executor name.'),
    },
    { error: 'expected a mapping of thresholds' },
  )
  .transform(
    (t): Thresholds => ({
      p95Ms: t.p95_ms,
      p99Ms: t.p99_ms,
      errorRate: t.error_rate,
      minDocsPerSec: t.min_docs_per_sec,
      minQps: t.min_qps,
      maxViolations: t.max_violations,
      executor: t.executor,
      ...(t.max_generator_cpu !== undefined ? { maxGeneratorCpu: t.max_generator_cpu } : {}),
    }),
  )
  .describe('Limits that fail the step when the run exceeds them.');
