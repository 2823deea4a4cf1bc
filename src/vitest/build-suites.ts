import { basename } from 'node:path';
import { afterAll, describe, test, type TestContext } from 'vitest';
import type { JobPlan, StepPlan } from '../config/plan';
import { createDaemonClient } from '../daemon/create-daemon-client';
import { StressError } from '../errors';
import type { DeferredUpload, JobContext, RunContext } from '../steps/job-context';
import { JobRunner } from '../steps/job-runner';
import type { StepContext } from '../steps/step-definition';
import { applyAllureMetadata, attachToAllure } from '../report/apply-allure-metadata';
import { describeStepForAllure } from '../report/allure-metadata';
import { asTestFailure } from '../report/failure-categories';
import { formatStepSummary } from '../report/format-step-summary';
import { knownSecretsOf } from '../report/known-secrets';
import { redactError, redactSecrets } from '../report/redact-secrets';
import { watchRunInterrupt, type RunInterrupt } from './watch-run-interrupt';
import type { SuitePayload } from './suite-payload';

/** Meta keys set on each test for the project's reporter (read in the main process). */
export interface StepTaskMeta {
  jinaStress?: {
    kind: string;
    summaries: string[];
    deferredUploads: DeferredUpload[];
    /** The run was interrupted (Ctrl+C, SIGTERM) while this step ran: its numbers are partial. */
    interrupted?: boolean;
  };
}

/** Turns the plan into Vitest suites: a describe per job, a test per step, in order. */
export function buildSuites(payload: SuitePayload): void {
  const run: RunContext = {
    plan: payload.plan,
    runId: payload.runId,
    reportsDir: payload.reportsDir,
    reports: [],
    failures: [],
    links: [],
    deferredUploads: [],
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
    const runner = new JobRunner(createJobContext(job, run, payload));
    for (const step of job.steps) {
      test(step.name, (ctx) => runStepTest(runner, step, ctx, interrupt), runner.timeoutMs(step.index));
    }
    afterAll(async () => {
      const leftBehind = await runner.teardown();
      if (leftBehind.length > 0) {
        const message = `job "${job.name}" could not clean up:\n  ${leftBehind.join('\n  ')}`;
        throw new StressError('DAEMON_HTTP', redactSecrets(message, run.knownSecrets), {
          hint: 'remove them by hand on the daemon; the step results above are kept',
        });
      }
    });
  });
}

async function runStepTest(runner: JobRunner, step: StepPlan, ctx: TestContext, interrupt: RunInterrupt): Promise<void> {
  const { run } = runner.context;
  await labelForAllure(runner.context, step);
  if (interrupt.signal.aborted && runner.definitionOf(step).role !== 'teardown') {
    const reason = `skipped because ${(interrupt.signal.reason as Error).message}`;
    await ctx.annotate(reason, 'skipped');
    ctx.skip(reason);
  }
  const reportsBefore = run.reports.length;
  const uploadsBefore = run.deferredUploads.length;
  const signal = AbortSignal.any([ctx.signal, interrupt.signal]);
  const wasInterrupted = interrupt.signal.aborted;
  const outcome = await runner.run(step.index, (s) => createStepContext(runner.context, s, ctx, signal));
  const meta = ctx.task.meta as StepTaskMeta;
  // Everything that leaves the worker (meta, annotations, attachments, the thrown error) is
  // redacted here: an executor's error may echo a credential the Flow was given.
  const redact = (text: string) => redactSecrets(text, run.knownSecrets);
  meta.jinaStress = {
    kind: step.kind,
    summaries: run.reports.slice(reportsBefore).map((report) => redact(formatStepSummary(report))),
    deferredUploads: run.deferredUploads.slice(uploadsBefore),
    ...(!wasInterrupted && interrupt.signal.aborted ? { interrupted: true } : {}),
  };
  if (outcome.status === 'skipped') {
    // ctx.skip's note is lost in Allure; the annotation keeps the reason visible there too.
    await ctx.annotate(redact(outcome.reason), 'skipped');
    ctx.skip(redact(outcome.reason));
  }
  if (outcome.status === 'failed') throw asTestFailure(redactError(outcome.error, run.knownSecrets));
}

function createStepContext(job: JobContext, step: StepPlan, ctx: TestContext, signal: AbortSignal): StepContext {
  const redact = (text: string) => redactSecrets(text, job.run.knownSecrets);
  return {
    job,
    step,
    signal,
    log: (message) => void ctx.annotate(redact(message), 'log'),
    progress: (message) => void ctx.annotate(redact(message), 'progress'),
    attach: (name, contentType, body) => attachToAllure(name, contentType, typeof body === 'string' ? redact(body) : body),
  };
}

async function labelForAllure(job: JobContext, step: StepPlan): Promise<void> {
  await applyAllureMetadata(describeStepForAllure(job.run.plan.configPath, job.job.name, step));
}

function createJobContext(job: JobPlan, run: RunContext, payload: SuitePayload): JobContext {
  const address = job.daemon ?? payload.envDaemon ?? payload.embeddedDaemon;
  if (!address) {
    throw new StressError('INTERNAL', `job "${job.name}" has no daemon and no embedded agent was started`);
  }
  return {
    run,
    job,
    daemon: createDaemonClient({ ...address, runId: payload.agentRunId }),
    daemonAddress: address,
    ...(job.gateway ? { gateway: job.gateway } : {}),
    created: { workspaces: new Set(), flows: new Set() },
  };
}
