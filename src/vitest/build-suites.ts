import { basename } from 'node:path';
import { afterAll, describe, test, type TestContext } from 'vitest';
import type { JobPlan, StepPlan } from '../config/plan.ts';
import type { DaemonAddress } from '../config/addresses.ts';
import { createDaemonClient } from '../daemon/create-daemon-client.ts';
import type { DaemonApi } from '../daemon/daemon-api.ts';
import { DEFAULT_SEGMENT_TIMEOUT_S, SegmentRun } from '../steps/segment-run.ts';
import { StressError } from '../errors.ts';
import type { JobContext, RunContext } from '../steps/job-context.ts';
import { createHostAgent } from '../steps/host-agents.ts';
import { JobRunner } from '../steps/job-runner.ts';
import { RunResults } from '../steps/run-results.ts';
import type { StepContext } from '../steps/step-context.ts';
import type { DeferredUpload, StepOutcome } from '../steps/step-outcome.ts';
import type { LoadResult } from '../load/load-result.ts';
import type { LoadSegment } from '../load/load-segment.ts';
import { applyAllureMetadata, attachToAllure, explainSkipInAllure } from '../report/apply-allure-metadata.ts';
import { describeStepForAllure } from '../report/allure-metadata.ts';
import { asTestFailure } from '../report/failure-categories.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { knownSecretsOf } from '../report/known-secrets.ts';
import { redactError, redactSecrets } from '../report/redact-secrets.ts';
import { watchRunInterrupt, type RunInterrupt } from './watch-run-interrupt.ts';
import type { SuitePayload } from './suite-payload.ts';
import { readResolvedOptions } from './plugin-options.ts';

/** Meta keys set on each test for the project's reporter (read in the main process). */
export interface StepTaskMeta {
  jinaStress?: {
    kind: string;
    summaries: string[];
    deferredUploads: DeferredUpload[];
    /** The run was interrupted (Ctrl+C, SIGTERM) while this step ran: its numbers are partial. */
    interrupted?: boolean;
    /**
     * A load step run as one segment of several generators: its LoadResult (counters, encoded
     * histograms, series), carried in the blob report for `vitest --merge-reports`.
     */
    segmentResult?: LoadResult;
    /** The generator's segment (STRESS_SEGMENT), on every step: a merge keeps segment 1's lifecycle steps. */
    segment?: LoadSegment;
  };
}

/** Turns the plan into Vitest suites: a describe per job, a test per step, in order. */
export function buildSuites(payload: SuitePayload): void {
  const run: RunContext = {
    plan: payload.plan,
    runId: payload.runId,
    reportsDir: payload.reportsDir,
    results: new RunResults(),
    knownSecrets: knownSecretsOf(payload.plan),
  };
  const interrupt = watchRunInterrupt();
  // Allure derives parent suite / suite from the describe path: config file › job.
  describe(basename(payload.plan.configPath), () => {
    for (const job of payload.plan.jobs) describeJob(job, run, payload, interrupt);
    afterAll(() => interrupt.runEnded());
  });
}

function describeJob(job: JobPlan, run: RunContext, payload: SuitePayload, interrupt: RunInterrupt): void {
  describe(job.name, () => {
    const runner = new JobRunner(createJobContext(job, run, payload), job);
    for (const step of job.steps) {
      test(step.name, (ctx) => runStepTest(runner, step, ctx, interrupt), runner.timeoutMs(step.index));
    }
    // Run from several machines, segment 1 may first wait for the others to be done: the hook's bound grows by that wait.
    afterAll(async () => {
      const leftBehind = await runner.teardown((line) => console.error(`jina-stress: job "${job.name}": ${line}`));
      if (leftBehind.length > 0) {
        const message = `job "${job.name}" could not clean up:\n  ${leftBehind.join('\n  ')}`;
        throw new StressError('DAEMON_HTTP', redactSecrets(message, run.knownSecrets), {
          hint: 'remove them by hand on the daemon; the step results above are kept',
        });
      }
    }, 120_000 + (runner.context.segmentRun?.waitBoundMs ?? 0));
  });
}

async function runStepTest(runner: JobRunner, step: StepPlan, ctx: TestContext, interrupt: RunInterrupt): Promise<void> {
  const { run } = runner.context;
  await labelForAllure(runner, step);
  if (interrupt.signal.aborted && runner.definitionOf(step).role !== 'teardown') {
    const reason = `skipped because ${(interrupt.signal.reason as Error).message}`;
    await ctx.annotate(reason, 'skipped');
    ctx.skip(reason);
  }
  // Everything that leaves the worker (meta, annotations, attachments, the thrown error) is
  // redacted here: an executor's error may echo a credential the Flow was given.
  const redact = (text: string) => redactSecrets(text, run.knownSecrets);
  const signal = AbortSignal.any([ctx.signal, interrupt.signal]);
  const wasInterrupted = interrupt.signal.aborted;
  const result = await runner.run(step.index, (s) => createStepContext(runner.context, s, ctx, signal));
  const outcomes = result.status === 'skipped' ? [] : result.outcomes;
  for (const artifact of outcomes.flatMap((outcome) => outcome.artifacts ?? [])) {
    await attachToAllure(artifact.name, artifact.contentType, typeof artifact.body === 'string' ? redact(artifact.body) : artifact.body);
  }
  const meta = ctx.task.meta as StepTaskMeta;
  meta.jinaStress = {
    kind: step.kind,
    summaries: outcomes.flatMap((outcome) => (outcome.report ? [redact(formatStepSummary(outcome.report))] : [])),
    deferredUploads: outcomes.flatMap((outcome) => outcome.deferredUploads ?? []),
    ...(!wasInterrupted && interrupt.signal.aborted ? { interrupted: true } : {}),
    ...segmentResultOf(outcomes),
    ...(resolvedOptions?.segment ? { segment: resolvedOptions.segment } : {}),
  };
  if (result.status === 'skipped') {
    // ctx.skip's note is lost in Allure; the description and the annotation keep the reason visible.
    await explainSkipInAllure(redact(result.reason));
    await ctx.annotate(redact(result.reason), 'skipped');
    ctx.skip(redact(result.reason));
  }
  if (result.status === 'failed') throw asTestFailure(redactError(result.error, run.knownSecrets));
}

// Decided by the plugin in the main process, where the terminal is (a live status line wants
// an update a second; a CI log the configured interval).
const resolvedOptions = readResolvedOptions();
const progressMode = resolvedOptions?.progress;

function createStepContext(job: JobContext, step: StepPlan, ctx: TestContext, signal: AbortSignal): StepContext {
  const redact = (text: string) => redactSecrets(text, job.run.knownSecrets);
  return {
    job,
    step,
    signal,
    log: (message) => void ctx.annotate(redact(message), 'log'),
    progress: (message) => void ctx.annotate(redact(message), 'progress'),
    ...(progressMode ? { progressIntervalS: progressMode.live ? 1 : progressMode.intervalS } : {}),
    ...(resolvedOptions?.segment ? { segment: resolvedOptions.segment } : {}),
    ...(resolvedOptions?.distributedRunId ? { distributedRunId: resolvedOptions.distributedRunId } : {}),
  };
}

/** Labels, and the parameters the step's definition names for it (the Flow file, the bucket, the load). */
async function labelForAllure(runner: JobRunner, step: StepPlan): Promise<void> {
  const parameters = runner.definitionOf(step).parameters?.(step.params) ?? [];
  await applyAllureMetadata(describeStepForAllure(runner.context.run.plan.configPath, runner.job.name, step, parameters));
}

function createJobContext(job: JobPlan, run: RunContext, payload: SuitePayload): JobContext {
  const address = job.daemon ?? payload.envDaemon ?? payload.embeddedDaemon;
  if (!address) {
    throw new StressError('INTERNAL', `job "${job.name}" has no daemon and no embedded agent was started`);
  }
  const daemon = createDaemonClient({ ...address, runId: payload.agentRunId });
  return {
    run,
    job,
    daemon,
    daemonAddress: address,
    ...(job.gateway ? { gateway: job.gateway } : {}),
    created: { workspaces: new Set(), flows: new Set() },
    // Shorter waits than the main agent's: a host that fell off the network must not hold the
    // teardown of the others (starting an executor waits for its own timeout_ready anyway).
    hostAgents: (job.agents ?? []).map((agent) => createHostAgent(agent, (a) => createDaemonClient({ ...a, runId: payload.agentRunId, retries: 1, timeoutMs: 10_000 }))),
    ...segmentRunOf(job, payload, daemon, address),
  };
}

/**
 * Run from several machines, a job whose agent every generator shares (its own `daemon:` or
 * the environment's, never a process's embedded one) is met through it (segment-run.ts).
 */
function segmentRunOf(job: JobPlan, payload: SuitePayload, daemon: DaemonApi, address: DaemonAddress): { segmentRun?: SegmentRun } {
  const segment = resolvedOptions?.segment;
  const isShared = Boolean(job.daemon ?? payload.envDaemon);
  if (!segment || segment.count < 2 || !payload.segmentRunId || !isShared) return {};
  return {
    segmentRun: new SegmentRun(daemon, {
      segment,
      runId: payload.segmentRunId,
      jobIndex: payload.plan.jobs.findIndex((entry) => entry.name === job.name),
      timeoutS: resolvedOptions?.segmentTimeoutS ?? DEFAULT_SEGMENT_TIMEOUT_S,
      agent: `${address.host}:${address.port}`,
    }),
  };
}

/** Only segments carry their result: a whole run has its report in the attachments already. */
function segmentResultOf(outcomes: readonly StepOutcome[]): { segmentResult?: LoadResult } {
  const report = outcomes.find((outcome) => outcome.report?.segment)?.report;
  return report ? { segmentResult: report } : {};
}
