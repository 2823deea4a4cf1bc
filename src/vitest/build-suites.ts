import { basename } from 'node:path';
import { afterAll, describe, test, type TestContext } from 'vitest';
import type { JobPlan, StepPlan } from '../config/plan';
import { createDaemonClient } from '../daemon/create-daemon-client';
import { StressError } from '../errors';
import type { JobContext, RunContext } from '../steps/job-context';
import { JobRunner } from '../steps/job-runner';
import { RunResults } from '../steps/run-results';
import type { StepContext } from '../steps/step-context';
import type { DeferredUpload } from '../steps/step-outcome';
import { applyAllureMetadata, attachToAllure } from '../report/apply-allure-metadata';
import { describeStepForAllure } from '../report/allure-metadata';
import { asTestFailure } from '../report/failure-categories';
import { formatStepSummary } from '../report/format-step-summary';
import { installInterruptCleanup } from './install-interrupt-cleanup';
import type { SuitePayload } from './suite-payload';

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
    results: new RunResults(),
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
    const runner = new JobRunner(createJobContext(job, run, payload), job);
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
  await labelForAllure(runner, step);
  const result = await runner.run(step.index, (s) => createStepContext(runner.context, s, ctx));
  const outcomes = result.status === 'skipped' ? [] : result.outcomes;
  for (const artifact of outcomes.flatMap((outcome) => outcome.artifacts ?? [])) {
    await attachToAllure(artifact.name, artifact.contentType, artifact.body);
  }
  const meta = ctx.task.meta as StepTaskMeta;
  meta.jinaStress = {
    kind: step.kind,
    summaries: outcomes.flatMap((outcome) => (outcome.report ? [formatStepSummary(outcome.report)] : [])),
    deferredUploads: outcomes.flatMap((outcome) => outcome.deferredUploads ?? []),
  };
  if (result.status === 'skipped') {
    // ctx.skip's note is lost in Allure; the annotation keeps the reason visible there too.
    await ctx.annotate(result.reason, 'skipped');
    ctx.skip(result.reason);
  }
  if (result.status === 'failed') throw asTestFailure(result.error);
}

function createStepContext(job: JobContext, step: StepPlan, ctx: TestContext): StepContext {
  return {
    job,
    step,
    signal: ctx.signal,
    log: (message) => void ctx.annotate(message, 'log'),
    progress: (message) => void ctx.annotate(message, 'progress'),
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
  return {
    run,
    job,
    daemon: createDaemonClient(address),
    daemonAddress: address,
    ...(job.gateway ? { gateway: job.gateway } : {}),
    created: { workspaces: new Set(), flows: new Set() },
  };
}
