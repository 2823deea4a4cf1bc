import { lstatSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Whether `path` (absolute) is `root` or inside it, as real paths: every symbolic link on the
 * way is followed, so a link inside the workspace that points out of it counts as outside.
 * Parts of `path` that do not exist yet are judged by the deepest part that does.
 */
export function isInsideReal(root: string, path: string): boolean {
  const realRoot = realpathSync(root);
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      lstatSync(existing);
      break;
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return false;
      rest.unshift(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      existing = parent;
    }
  }
  const real = resolve(realpathSync(existing), ...rest);
  return isWithin(realRoot, real);
}

/** Lexically: `path` is `root` or below it (no `..` out of it). */
export function isWithin(root: string, path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === '' || (!fromRoot.startsWith('..') && !isAbsolute(fromRoot));
}

/**
 * `written` (absolute, or relative to `workdir`) as an absolute path, or undefined when it is
 * outside `workdir` lexically or through a symbolic link. What an executor reads or writes
 * must stay in its workspace: the agent runs Flows for clients, and the workspace is the
 * only place those clients may touch.
 */
export function resolveInsideWorkspace(workdir: string, written: string): string | undefined {
  const path = isAbsolute(written) ? resolve(written) : resolve(workdir, written);
  const realWorkdir = realpathSync(workdir);
  // An absolute path may name the workspace by a link to it (/tmp on some systems): compare real paths.
  if (!isWithin(resolve(workdir), path) && !isWithin(realWorkdir, path)) return undefined;
  return isInsideReal(workdir, path) ? path : undefined;
}
