import { join } from 'node:path';
import { StressError } from '../../errors.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import { resolveInsideWorkspace } from '../workspace-path.ts';
import type { ExecutorOptions } from './executor-options.ts';
import type { ExecutorSetup } from './simulated-executor.ts';

/**
 * Where a stateful executor keeps its shard files: `<workspace>/<deployment>/`, with
 * `workspace` from `uses_with`, else the executor YAML's `metas.workspace`, else
 * `workspace`, relative to the Flow's workdir. An index Flow and a later query Flow of the
 * same workspace and deployment name therefore share the files, as the seed's Flows did.
 * The folder must be inside the workdir (an absolute path too, and through symbolic links):
 * anything else stops the Flow with FLOW_YAML.
 */
export function indexerDirectory(setup: ExecutorSetup, options: ExecutorOptions): string {
  const fromMetas: JsonValue | undefined = setup.metas.workspace;
  const workspace = options.string('workspace', typeof fromMetas === 'string' && fromMetas !== '' ? fromMetas : 'workspace');
  const directory = resolveInsideWorkspace(setup.workdir, join(workspace, setup.deployment));
  if (directory === undefined) throw outsideError(setup, workspace);
  return directory;
}

/** Checks again before writing: a link may have appeared in the folder's path since the start. */
export function assertStillInside(setup: ExecutorSetup, directory: string): void {
  if (resolveInsideWorkspace(setup.workdir, directory) === undefined) throw outsideError(setup, directory);
}

function outsideError(setup: ExecutorSetup, workspace: string): StressError {
  return new StressError('FLOW_YAML', `executor "${setup.deployment}" (${setup.className}): workspace ${JSON.stringify(workspace)} is outside the Flow's workspace folder`, {
    hint: 'give a folder relative to the workspace (default "workspace"), without .. and not through a symbolic link',
  });
}
