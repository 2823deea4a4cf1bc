import { statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { displayPath } from './problem.ts';

/** What path fields need to resolve relative paths: the seed's order is config folder, then cwd. */
export interface PathContext {
  configDir: string;
  cwd: string;
}

/** `any`: a file or a directory (dataset paths may be either). */
export type PathKind = 'file' | 'directory' | 'any';

export type PathResolution =
  | { status: 'found'; path: string }
  | { status: 'missing'; tried: string[] }
  | { status: 'wrong-kind'; path: string };

/** The places a path may be, in order: itself when absolute, else config folder then cwd. */
export function candidatePaths(value: string, context: PathContext): string[] {
  if (path.isAbsolute(value)) return [path.normalize(value)];
  const candidates = [path.resolve(context.configDir, value), path.resolve(context.cwd, value)];
  return [...new Set(candidates)];
}

export function resolveConfigPath(value: string, context: PathContext, kind: PathKind): PathResolution {
  const tried = candidatePaths(value, context);
  for (const candidate of tried) {
    const stats = statSync(candidate, { throwIfNoEntry: false });
    if (!stats) continue;
    const isRightKind = kind === 'any' || (kind === 'file' ? stats.isFile() : stats.isDirectory());
    return isRightKind ? { status: 'found', path: candidate } : { status: 'wrong-kind', path: candidate };
  }
  return { status: 'missing', tried };
}

/** Message and hint for a path that did not resolve; every place tried is named. */
export function describeUnresolved(
  value: string,
  resolution: Exclude<PathResolution, { status: 'found' }>,
  kind: PathKind,
  cwd: string,
): { message: string; hint: string } {
  if (resolution.status === 'wrong-kind') {
    const other = kind === 'file' ? 'a directory' : 'a file';
    return {
      message: `${JSON.stringify(value)} is ${other}, not a ${kind}`,
      hint: `found at ${displayPath(resolution.path, cwd)}`,
    };
  }
  const tried = resolution.tried.map((p) => displayPath(p, cwd)).join(', ');
  const order = resolution.tried.length > 1 ? " (relative paths resolve against the config's folder, then the working directory)" : '';
  const noun = kind === 'any' ? 'file or directory' : kind;
  return { message: `no such ${noun} ${JSON.stringify(value)}`, hint: `tried ${tried}${order}` };
}

/** A path that must exist when the config is validated; becomes absolute. */
export function existingPath(context: PathContext, kind: PathKind, description: string) {
  return z
    .string({ error: `expected a ${kind} path` })
    .min(1, { error: `expected a ${kind} path` })
    .transform((value, issues) => {
      const resolution = resolveConfigPath(value, context, kind);
      if (resolution.status === 'found') return resolution.path;
      const { message, hint } = describeUnresolved(value, resolution, kind, context.cwd);
      issues.issues.push({ code: 'custom', message, input: value, params: { hint } });
      return value;
    })
    .describe(description);
}

/**
 * A path the run writes or fills (reports to upload, a download folder): it need not exist
 * now, and like the run's other outputs it is relative to the working directory.
 */
export function runtimePath(context: PathContext, description: string) {
  return z
    .string({ error: 'expected a path' })
    .min(1, { error: 'expected a path' })
    .transform((value) => path.resolve(context.cwd, value))
    .describe(description);
}
