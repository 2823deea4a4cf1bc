import type { StepPlan } from '../config/plan.ts';
import { StressError } from '../errors.ts';
import type { StepDefinition } from './define-step.ts';
import type { JobContext } from './job-context.ts';
import type { StepContext } from './step-context.ts';
import type { StepOutcome } from './step-outcome.ts';

/** A step run as one generator's segment: it ran (its outcome), or segment 1 owns it (why not here). */
export type SegmentStepResult = { status: 'ran'; outcome: StepOutcome } | { status: 'skipped'; reason: string };

/**
 * Runs a step of a job that several generators run (`job.segmentRun`). The lifecycle
 * (workspace and Flow: `setup` and `teardown` steps) has one owner, segment 1. Segment 1
 * runs it, says through the agent which Flow it started, and tears down only after every
 * generator said it is done (or the timeout, reported). The others skip it with that reason:
 * at start_flow they wait for segment 1's Flow and use it; where segment 1 tears down they
 * say they are done. Other steps run everywhere.
 */
export async function runAsSegment(job: JobContext, step: StepPlan, definition: StepDefinition, context: StepContext, run: () => Promise<StepOutcome>): Promise<SegmentStepResult> {
  const segmentRun = job.segmentRun;
  const isLifecycle = definition.role === 'setup' || definition.role === 'teardown';
  if (!segmentRun || !isLifecycle) return { status: 'ran', outcome: await run() };
  const owner = `segment 1/${segmentRun.options.segment.count} owns the lifecycle`;
  if (segmentRun.isOwner) {
    if (definition.removes) {
      // Not meeting the others (the agent went away) never keeps segment 1 from tearing down.
      const notDone = await awaitOthers(job, step.index, context).catch((error: unknown) => {
        const message = `could not wait for the other generators through agent ${segmentRun.options.agent}: ${error instanceof Error ? error.message : String(error)}; tearing down now`;
        context.log(message);
        return message;
      });
      const outcome = await run();
      // Reported where the teardown is: in the step's report, not only its log.
      return { status: 'ran', outcome: notDone ? { ...outcome, artifacts: [...(outcome.artifacts ?? []), { name: 'generators not done', contentType: 'text/plain', body: `${notDone}\n` }] } : outcome };
    }
    if (definition.creates !== 'flow') return { status: 'ran', outcome: await run() };
    let outcome: StepOutcome;
    try {
      outcome = await run();
    } catch (error) {
      // No Flow: the others stop waiting for one now rather than at the timeout. The start's error is the one to report.
      await segmentRun.shareFlow(step.index, undefined).catch(() => undefined);
      throw error;
    }
    const flowId = outcome.failure ? undefined : job.flow?.id;
    await segmentRun.shareFlow(step.index, flowId);
    if (flowId) context.log(`told the other generators through agent ${segmentRun.options.agent} (run ${segmentRun.options.runId}) that the Flow is ${flowId}`);
    return { status: 'ran', outcome };
  }
  if (definition.creates === 'flow') {
    const flowId = await segmentRun.findFlow(step.index, context.signal);
    // The Flow must be the run's on this agent: segment 1 started it with the shared run id.
    const held = await job.daemon.getRun(segmentRun.options.runId);
    if (!held.flows.includes(flowId)) {
      throw new StressError('STEP_PREREQUISITE', `Flow ${flowId} named by segment 1 is not one of run ${segmentRun.options.runId} on agent ${segmentRun.options.agent} (it holds: ${held.flows.join(', ') || 'none'})`, {
        hint: 'it was removed already (segment 1 ended, or its lease expired): rerun every generator together',
      });
    }
    const info = await job.daemon.getFlow(flowId);
    job.flow = { id: flowId, ...(info.gateway ? { gateway: info.gateway } : {}), timeToReadyS: info.timeToReadyS ?? 0 };
    return { status: 'skipped', reason: `${owner}: using its Flow ${flowId}, found through agent ${segmentRun.options.agent} for run ${segmentRun.options.runId}` };
  }
  if (definition.removes) {
    await segmentRun.reportDone(step.index);
    // Segment 1 removes it now: later steps must not send to it.
    if (definition.removes === 'flow') job.flow = undefined;
    return { status: 'skipped', reason: `${owner}: it tears down once every generator is done (this one told agent ${segmentRun.options.agent})` };
  }
  return { status: 'skipped', reason: `${owner}: it runs ${step.kind}` };
}

/**
 * Before segment 1 removes what the job holds at the end (no teardown step of its own did):
 * the others say they are done; segment 1 waits for them. Returns nothing to remove → no wait.
 */
export async function meetAtJobEnd(job: JobContext, log: (line: string) => void): Promise<void> {
  const segmentRun = job.segmentRun;
  if (!segmentRun) return;
  if (!segmentRun.isOwner) {
    await segmentRun.reportDone('end');
    return;
  }
  if (job.created.flows.size + job.created.workspaces.size === 0) return;
  await awaitOthers(job, 'end', { log, signal: AbortSignal.timeout(segmentRun.waitBoundMs) });
}

/** Waits for the other generators to be done; returns what to report when some never said so. */
async function awaitOthers(job: JobContext, at: number | 'end', context: Pick<StepContext, 'log' | 'signal'>): Promise<string | undefined> {
  const segmentRun = job.segmentRun!;
  const { count } = segmentRun.options.segment;
  const missing = await segmentRun.awaitDone(at, context.signal);
  if (missing.length === 0) {
    context.log(`every generator (${count}) is done: tearing down`);
    return undefined;
  }
  const message =
    `generator${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} did not report done within ` +
    `${segmentRun.options.timeoutS}s (STRESS_SEGMENT_TIMEOUT_S): tearing down without ${missing.length > 1 ? 'them' : 'it'}`;
  context.log(message);
  return message;
}
