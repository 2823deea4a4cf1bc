import { spawn } from 'node:child_process';
import { isCompiledModule, siblingModuleUrl } from '../sibling-module-url.ts';
import { tsxApiUrl } from '../tsx-api-url.ts';
import type { JobRunner } from '../steps/job-runner.ts';
import type { LeftoverResources } from './remove-leftovers.ts';

/**
 * On SIGINT/SIGTERM in the suite worker, hand what every job created and has not removed to
 * a detached process that removes it: the seed leaked Flows and workspaces whenever a run was
 * interrupted. Not done in this worker: Vitest's main process exits 1 ms after the signal,
 * and the worker dies with it at its next message to the main process, mid-cleanup.
 */
export function installInterruptCleanup(runners: readonly JobRunner[], reportsDir: string): void {
  const onSignal = (signal: NodeJS.Signals) => {
    const leftovers: LeftoverResources[] = runners
      .map(({ context }) => ({
        job: context.job.name,
        daemon: context.daemonAddress,
        flows: [...context.created.flows],
        workspaces: [...context.created.workspaces],
      }))
      .filter((entry) => entry.flows.length + entry.workspaces.length > 0);
    if (leftovers.length > 0) {
      const pid = startRemover(leftovers, reportsDir);
      const flows = leftovers.reduce((n, entry) => n + entry.flows.length, 0);
      const workspaces = leftovers.reduce((n, entry) => n + entry.workspaces.length, 0);
      process.stderr.write(
        `\njina-stress: interrupted; removing ${flows} flow(s) and ${workspaces} workspace(s) in the background (pid ${pid}, log: ${reportsDir}/interrupt-cleanup.log)\n`,
      );
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

function startRemover(leftovers: LeftoverResources[], reportsDir: string): number | undefined {
  const remover = siblingModuleUrl('./remove-leftovers-main.ts', import.meta.url);
  // The sources need tsx's loader; the compiled package's remover is plain JavaScript.
  const register = isCompiledModule(import.meta.url) ? '' : `import { register } from ${JSON.stringify(tsxApiUrl())}; register(); `;
  const script = `${register}await import(${JSON.stringify(remover)});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, JINA_STRESS_REPORTS_DIR: reportsDir },
  });
  // Tokens travel on stdin, never in argv or the environment (both readable in /proc).
  child.stdin.end(JSON.stringify(leftovers));
  child.unref();
  return child.pid;
}
