import type { DaemonApi } from '../daemon/daemon-api.ts';
import { isStressError } from '../errors.ts';

export interface DaemonResource {
  kind: 'flow' | 'workspace';
  id: string;
}

/** What one removal did; `already-gone` (the daemon answered 404) counts as done. */
export type RemovalOutcome = { status: 'removed' } | { status: 'already-gone' } | { status: 'failed'; message: string };

/**
 * Terminates a flow or deletes a workspace; throws when the daemon could not. The one place
 * that decides what "removed" means: the steps, the job's teardown and the run's cleanup all
 * go through it, so a flow that a workspace's deletion (or the agent) already took away is
 * not reported as a failure.
 */
export async function removeOrThrow(daemon: DaemonApi, resource: DaemonResource): Promise<'removed' | 'already-gone'> {
  try {
    if (resource.kind === 'flow') await daemon.terminateFlow(resource.id);
    else await daemon.deleteWorkspace(resource.id);
    return 'removed';
  } catch (error) {
    if (isStressError(error, 'DAEMON_HTTP') && error.details?.httpStatus === 404) return 'already-gone';
    throw error;
  }
}

/** `removeOrThrow` with the failure as a value, for cleanups that try everything. */
export async function removeResource(daemon: DaemonApi, resource: DaemonResource): Promise<RemovalOutcome> {
  try {
    return { status: await removeOrThrow(daemon, resource) };
  } catch (error) {
    return { status: 'failed', message: error instanceof Error ? error.message : String(error) };
  }
}
