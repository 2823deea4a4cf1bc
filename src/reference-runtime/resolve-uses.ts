import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseFlowYaml } from '../config/flow-yaml-document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { describeExecutors, executorClassName, isKnownExecutor } from './executors/executor-table.ts';
import { FlowIssues, isPlainObject } from './flow-issues.ts';
import { isInsideReal, isWithin } from './workspace-path.ts';

export interface ResolvedUses {
  className: string;
  /** `with:` of the executor YAML (or inline mapping). */
  usesWith: JsonObject;
  metas: JsonObject;
  /** Where `with` came from: a Flow's foreign class may carry the real class's arguments. */
  fromFile?: string;
}

export interface UsesContext {
  issues: FlowIssues;
  environment: Readonly<Record<string, string | undefined>>;
  /** Folders where `uses: exec.yml` is looked for, in order. */
  searchDirs: readonly string[];
}

/**
 * `uses` → a class name of the executor table. Accepts a class name, a hub reference
 * (`jinahub://Name`), an inline mapping (`{jtype, with, metas}`) and an executor YAML file
 * (`jtype: Name` or the 1.x `!Name` tag), as Jina does. Unknown names are reported with
 * the list of simulated executors.
 */
export function resolveUses(value: unknown, path: string, context: UsesContext): ResolvedUses {
  const { issues } = context;
  if (value === undefined || value === null) return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  if (isPlainObject(value)) return fromMapping(value, path, context);
  if (typeof value !== 'string' || value.trim() === '') {
    issues.add(path, `expected a class name, an executor YAML file or a mapping, got ${JSON.stringify(value)}`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  if (/^docker:\/\//.test(value) || /\+docker:\/\//.test(value)) {
    issues.add(path, `${value}: Docker executors cannot run in the reference runtime; ${describeExecutors()}`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  if (/\.ya?ml$/i.test(value)) return fromFile(value, path, context);
  return checked(executorClassName(value.trim()), {}, {}, path, issues);
}

/**
 * Only files inside the search folders (the Flow's folder and the workspace) are read, as
 * real paths: `/etc/x.yml`, `../../x.yml` and links out of the workspace are refused unread,
 * so no error can show what a file elsewhere holds, or whether it exists.
 */
function fromFile(file: string, path: string, context: UsesContext): ResolvedUses {
  const roots = context.searchDirs;
  const candidates = isAbsolute(file) ? [resolve(file)] : roots.map((dir) => resolve(dir, file));
  const tried = candidates.filter((candidate) => roots.some((root) => isWithin(root, candidate)));
  if (tried.length === 0) {
    context.issues.add(path, `executor file ${file} is outside the Flow's folder and workspace; only files uploaded there are read`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  const found = tried.find((candidate) => existsSync(candidate));
  if (!found) {
    context.issues.add(path, `executor file ${file} not found; tried ${tried.join(', ')}`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  if (!roots.some((root) => isInsideReal(root, found))) {
    context.issues.add(path, `executor file ${file} is a symbolic link out of the Flow's folder and workspace; only files uploaded there are read`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  const document = context.issues.expand(parseFlowYaml(readFileSync(found, 'utf8'), found), context.environment, found);
  if (!isPlainObject(document)) {
    context.issues.add(path, `${found} is not a mapping with a jtype`);
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  return { ...fromMapping(document, `${path} (${found})`, context), fromFile: found };
}

function fromMapping(value: Record<string, unknown>, path: string, context: UsesContext): ResolvedUses {
  const { issues } = context;
  const className = issues.readString(value.jtype, `${path}.jtype`);
  if (className === undefined) {
    issues.add(path, 'an executor mapping needs `jtype: <ClassName>`');
    return { className: 'BaseExecutor', usesWith: {}, metas: {} };
  }
  const usesWith = issues.readObject(value.with, `${path}.with`) as JsonObject;
  const metas = issues.readObject(value.metas, `${path}.metas`) as JsonObject;
  return checked(executorClassName(className), usesWith, metas, path, issues);
}

function checked(className: string, usesWith: JsonObject, metas: JsonObject, path: string, issues: FlowIssues): ResolvedUses {
  if (!isKnownExecutor(className)) issues.add(path, `unknown executor "${className}"; ${describeExecutors()}`);
  return { className, usesWith, metas };
}

/** Where `uses: exec.yml` is looked for: the Flow file's folder, then the workdir. */
export function executorSearchDirs(flowPath: string | undefined, workdir: string): string[] {
  const dirs = flowPath ? [resolve(flowPath, '..'), workdir] : [workdir];
  return [...new Set(dirs)];
}
