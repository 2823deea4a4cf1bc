import { basename } from 'node:path';
import { afterAll, describe, test, type TestContext } from 'vitest';
import type { JobPlan, StepPlan } from '../config/plan.ts';
import { createDaemonClient } from '../daemon/create-daemon-client.ts';
import { StressError } from '../errors.ts';
import type { DeferredUpload, JobContext, RunContext } from '../steps/job-context.ts';
import { JobRunner } from '../steps/job-runner.ts';
import type { StepContext } from '../steps/step-definition.ts';
import { applyAllureMetadata, attachToAllure } from '../report/apply-allure-metadata.ts';
import { describeStepForAllure } from '../report/allure-metadata.ts';
import { asTestFailure } from '../report/failure-categories.ts';
import { formatStepSummary } from '../report/format-step-summary.ts';
import { installInterruptCleanup } from './install-interrupt-cleanup.ts';
import { readResolvedOptions } from './plugin-options.ts';
import type { SuitePayload } from './suite-payload.ts';

/** Meta keys set on each test for the project's reporter (read in the main process). */
export interface StepTaskMeta {
  jinaStress?: { kind: string; summaries: string[]; deferredUploads: DeferredUpload[] };
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
  };
  const runners: JobRunner[] = [];
  installInterruptCleanup(runners, payload.reportsDir);
  // Allure derives parent suite / suite from the describe path: config file › job.
  describe(basename(payload.plan.configPath), () => {
    for (const job of payload.plan.jobs) describeJob(job, run, payload, runners);
  });
}

function describeJob(job: JobPlan, run: RunContext, payload: SuitePayload, runners: JobRunner[]): void {
  describe(job.name, () => {
    const runner = new JobRunner(createJobContext(job, run, payload));
    runners.push(runner);
    for (const step of job.steps) {
      test(step.name, (ctx) => runStepTest(runner, step, ctx), runner.timeoutMs(step.index));
    }
    afterAll(async () => {
      const leftBehind = await runner.teardown();
      if (leftBehind.length > 0) {
        throw new StressError('DAEMON_HTTP', `job "${job.name}" could not clean up:\n  ${leftBehind.join('\n  ')}`, {
          hint: 'remove them by hand on the daemon; the step results above are kept',
        });
      }
    });
  });
}

async function runStepTest(runner: JobRunner, step: StepPlan, ctx: TestContext): Promise<void> {
  const { run } = runner.context;
  await labelForAllure(runner.context, step);
  const reportsBefore = run.reports.length;
  const uploadsBefore = run.deferredUploads.length;
  const outcome = await runner.run(step.index, (s) => createStepContext(runner.context, s, ctx));
  const meta = ctx.task.meta as StepTaskMeta;
  meta.jinaStress = {
    kind: step.kind,
    summaries: run.reports.slice(reportsBefore).map(formatStepSummary),
    deferredUploads: run.deferredUploads.slice(uploadsBefore),
  };
  if (outcome.status === 'skipped') {
    // ctx.skip's note is lost in Allure; the annotation keeps the reason visible there too.
    await ctx.annotate(outcome.reason, 'skipped');
    ctx.skip(outcome.reason);
  }
  if (outcome.status === 'failed') throw asTestFailure(outcome.error);
}

// Decided by the plugin in the main process, where the terminal is (a live status line wants
// an update a second; a CI log the configured interval).
const progressMode = readResolvedOptions()?.progress;

function createStepContext(job: JobContext, step: StepPlan, ctx: TestContext): StepContext {
  return {
    job,
    step,
    signal: ctx.signal,
    log: (message) => void ctx.annotate(message, 'log'),
    progress: (message) => void ctx.annotate(message, 'progress'),
    ...(progressMode ? { progressIntervalS: progressMode.live ? 1 : progressMode.intervalS } : {}),
    attach: attachToAllure,
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
    daemon: createDaemonClient(address),
    daemonAddress: address,
    ...(job.gateway ? { gateway: job.gateway } : {}),
    created: { workspaces: new Set(), flows: new Set() },
  };
}
