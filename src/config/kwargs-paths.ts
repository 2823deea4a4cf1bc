import path from 'node:path';
import { candidatePaths, describeUnresolved, resolveConfigPath } from './config-paths.ts';
import type { PathContext } from './config-paths.ts';
import type { ProblemList } from './problem-list.ts';
import { type NamedCall, PATH_KWARGS } from './named-call.ts';
import type { YamlPathSegment } from './yaml-path.ts';

/** Is `a` the same as, inside, or a parent of `b`? */
function overlaps(a: string, b: string): boolean {
  const inside = (child: string, parent: string) => child === parent || child.startsWith(parent + path.sep);
  return inside(a, b) || inside(b, a);
}

/**
 * Resolves path-like kwargs of an ingester or check (`directory`, `file`, `path`,
 * `dataset_path`) like other config paths. A path may also be one that an earlier
 * download_from_s3 of the job writes (`downloads`: absolute local_directory/key).
 */
export function resolveCallPaths(
  call: NamedCall,
  at: readonly YamlPathSegment[],
  downloads: readonly string[],
  context: PathContext,
  problems: ProblemList,
): NamedCall {
  const kwargs = { ...call.kwargs };
  for (const key of PATH_KWARGS) {
    const value = kwargs[key];
    if (typeof value !== 'string' || value === '') continue;
    const resolution = resolveConfigPath(value, context, 'any');
    if (resolution.status === 'found') {
      kwargs[key] = resolution.path;
      continue;
    }
    const downloaded = candidatePaths(value, context).find((candidate) => downloads.some((target) => overlaps(candidate, target)));
    if (downloaded) {
      kwargs[key] = downloaded;
      continue;
    }
    const { message, hint } = describeUnresolved(value, resolution, 'any', context.cwd);
    problems.add([...at, 'kwargs', key], message, { hint: `${hint}; or fetch it with a download_from_s3 step earlier in the job` });
  }
  return { ...call, kwargs };
}
