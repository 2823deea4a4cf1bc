import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadPlan } from '../config/load-plan.ts';
import type { Plan, StepPlan } from '../config/plan.ts';
import type { DaemonAddress } from '../config/addresses.ts';
import { StressError, isStressError } from '../errors.ts';
import { EXIT_CODES, exitCodeOf, requestExitCode } from '../exit-codes.ts';
import { agentRunIdOf, readResolvedOptions, type ResolvedOptions } from './plugin-options.ts';
import { stepTable } from '../steps/step-table.ts';
import { selectSteps } from './select-steps.ts';
import { startEmbeddedAgent } from './start-embedded-agent.ts';
import type { SuitePayload } from './suite-payload.ts';
import { createRunId } from './create-run-id.ts';
import { distinctDaemons, holdRunLeases } from './hold-run-leases.ts';
import { describeRemovals, removeLeftovers, removeLeftoversNow } from './remove-leftovers.ts';
import { stopRunOnInterrupt } from './stop-run-on-interrupt.ts';

/**
 * Runs once in Vitest's main process before any step (global-setup.ts loads it): validates
 * the whole config (every problem at once), checks the `-t` selection, starts the embedded
 * agent when a job needs one, and hands the plan to the suite worker.
 */
export async function prepareRun(project: TestProject): Promise<() => Promise<void>> {
  const options = readOptions();
  const envDaemon = daemonFromEnv();
  let plan: Plan;
  let segmentRunId: string | undefined;
  try {
    plan = loadPlan(options.configPath, { onWarnings: (text) => console.error(`\n${text}\n`) });
    const selected = selectSteps(plan, project.config.testNamePattern);
    if (project.config.testNamePattern) {
      console.log(`jina-stress: ${selected.length} step(s) selected by ${String(project.config.testNamePattern)}`);
    }
    segmentRunId = checkSegmentedJobs(plan, options, envDaemon);
  } catch (error) {
    // Vitest prints thrown errors with a stack; a config problem list reads better bare.
    if (isStressError(error)) {
      console.error(`\n${error.format()}\n`);
      const code = exitCodeOf(error.code);
      // Vitest prints a global setup's error as an "Unhandled Error" with a stack trace under
      // the problem list, however it is thrown. Nothing has started yet (no worker, agent,
      // lease or report), so a run (not a watcher, which stays up for the fix) ends here.
      if (code === EXIT_CODES.invalid && !project.vitest.config.watch) process.exit(code);
      requestExitCode(code);
      throw new Error(`jina-stress: ${error.code} — see the message above`);
    }
    throw error;
  }

  // Each run is one report: results of an earlier run in the same folder would mix into it.
  await Promise.all(
    ['allure-results', 'rendered'].map((dir) => rm(join(options.reportsDir, dir), { recursive: true, force: true })),
  );

  const needsEmbedded = plan.jobs.some((job) => !job.daemon) && !envDaemon;
  const agent = needsEmbedded ? await startEmbeddedAgent(options.reportsDir, plan) : undefined;
  const runId = createRunId();
  const payload: SuitePayload = {
    plan,
    runId,
    // Segment 1 owns the lifecycle: what it creates carries the id the other generators look it up by.
    agentRunId:
      segmentRunId && options.segment?.index === 1
        ? segmentRunId
        : `${runId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)}.${randomBytes(4).toString('hex')}`,
    ...(segmentRunId ? { segmentRunId } : {}),
    reportsDir: options.reportsDir,
    ...(agent ? { embeddedDaemon: agent.address } : {}),
    ...(envDaemon ? { envDaemon } : {}),
  };
  project.provide('jinaStress', payload);

  // This process outlives the suite worker: it owns the run's resources on every daemon.
  const daemons = distinctDaemons(plan.jobs.flatMap((job) => [job.daemon ?? envDaemon ?? agent?.address, ...(job.agents ?? [])]));
  const leases = holdRunLeases(payload.agentRunId, daemons, (line) => console.error(line));
  const interrupts = stopRunOnInterrupt({
    // Forced down: nothing async runs any more. The embedded agent lives in this process (it
    // could not answer while this waits) and goes with it: its exit hook kills its Flows.
    onForce: () =>
      removeLeftoversNow({ runId: payload.agentRunId, daemons: daemons.filter((daemon) => daemon !== agent?.address) }),
  });
  return async () => {
    interrupts.dispose();
    leases.stop();
    // After the jobs' own teardown this usually finds nothing; after a worker died, it is
    // what removes the Flows and workspaces the worker could not.
    const removals = await removeLeftovers({ runId: payload.agentRunId, daemons });
    for (const line of describeRemovals(removals)) console.error(`jina-stress: ${line}`);
    await agent?.close();
  };
}

/**
 * Run from several machines (STRESS_SEGMENT=i/n, n > 1), the generators meet through the
 * agent of each job: segment 1 starts the Flow the others use. A job with lifecycle steps
 * therefore needs an agent every generator reaches (not the embedded one of each process),
 * and a run id they share. Returns that id in the agent's alphabet, when any job meets.
 */
function checkSegmentedJobs(plan: Plan, options: ResolvedOptions, envDaemon: DaemonAddress | undefined): string | undefined {
  if (!options.segment || options.segment.count < 2) return undefined;
  const isLifecycle = (step: StepPlan) => ['setup', 'teardown'].includes(stepTable[step.kind].role);
  const unshared = plan.jobs.filter((job) => !job.daemon && !envDaemon && job.steps.some(isLifecycle));
  if (unshared.length > 0) {
    throw new StressError('CONFIG_INVALID', `STRESS_SEGMENT=${options.segment.index}/${options.segment.count}: job${unshared.length > 1 ? 's' : ''} ${unshared.map((job) => `"${job.name}"`).join(', ')} start${unshared.length > 1 ? '' : 's'} a workspace or Flow without an agent every generator reaches`, {
      hint: 'segment 1 starts the Flow and the others find it through the agent: give the job daemon: {host, port, token} (or set JINA_GATEWAY_HOST), the same for every generator',
    });
  }
  if (!plan.jobs.some((job) => job.daemon || envDaemon)) return undefined;
  if (!options.distributedRunId) {
    throw new StressError('CONFIG_INVALID', `STRESS_SEGMENT=${options.segment.index}/${options.segment.count} without a run id the generators share`, {
      hint: 'set STRESS_RUN_ID to the same value on every generator of the run (GitHub Actions and GitLab CI provide one)',
    });
  }
  return agentRunIdOf(options.distributedRunId);
}

function readOptions(): ResolvedOptions {
  const options = readResolvedOptions();
  if (!options) {
    throw new StressError('INTERNAL', 'jina-stress global setup ran without the plugin', {
      hint: 'add jinaStress() to the plugins of vitest.config.ts',
    });
  }
  return options;
}

/** The seed's env vars: JinaD at JINA_GATEWAY_HOST:JINA_GATEWAY_PORT (port default 8000). */
function daemonFromEnv(): DaemonAddress | undefined {
  const host = process.env.JINA_GATEWAY_HOST;
  if (!host) return undefined;
  const port = Number(process.env.JINA_GATEWAY_PORT || 8000);
  const token = process.env.JINA_STRESS_AGENT_TOKEN;
  return { host, port, ...(token ? { token } : {}) };
}
