import { isAbsolute, join, resolve } from 'node:path';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { ExecutorOptions } from './executor-options.ts';
import type { ExecutorSetup } from './simulated-executor.ts';

/**
 * Where a stateful executor keeps its shard files: `<workspace>/<deployment>/`, with
 * `workspace` from `uses_with`, else the executor YAML's `metas.workspace`, else
 * `workspace`, relative to the Flow's workdir. An index Flow and a later query Flow of the
 * same workspace and deployment name therefore share the files, as the seed's Flows did.
 */
export function indexerDirectory(setup: ExecutorSetup, options: ExecutorOptions): string {
  const fromMetas: JsonValue | undefined = setup.metas.workspace;
  const workspace = options.string('workspace', typeof fromMetas === 'string' && fromMetas !== '' ? fromMetas : 'workspace');
  const base = isAbsolute(workspace) ? workspace : resolve(setup.workdir, workspace);
  return join(base, setup.deployment);
}
