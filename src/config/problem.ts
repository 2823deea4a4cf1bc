import path from 'node:path';

/**
 * One thing wrong with a config. Every problem is found before anything runs and all are
 * reported together, each where it is in the YAML.
 */
export interface Problem {
  /** Absolute path of the file the problem is in (the config, or a file it names). */
  file: string;
  /** `jobs.images.steps[2].num_clients`; `(yaml)` for syntax errors. */
  yamlPath: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  message: string;
  /** The value found, already rendered for the message (`"five"`, `-3`, `a mapping`). */
  found?: string;
  hint?: string;
}

const MAX_FOUND_CHARS = 60;

/** How a found value reads in a message: strings quoted, collections by kind. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty mapping' : 'a mapping';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > MAX_FOUND_CHARS ? `${quoted.slice(0, MAX_FOUND_CHARS - 4)}..."` : quoted;
  }
  return String(value);
}

/** A path for messages: relative to `cwd` when inside it, so logs and tests stay stable. */
export function displayPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

export function compareProblems(a: Problem, b: Problem): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.yamlPath.localeCompare(b.yamlPath) ||
    a.message.localeCompare(b.message)
  );
}

/**
 * One problem as a CI log line group:
 * `configs/x.yaml:12:9  jobs.images.steps[2].num_clients  expected a positive integer, got "five"`
 * then `  hint: ...` on its own line.
 */
export function formatProblem(problem: Problem, cwd: string): string {
  const where = `${displayPath(problem.file, cwd)}:${problem.line}:${problem.column}`;
  const what = problem.found === undefined ? problem.message : `${problem.message}, got ${problem.found}`;
  const head = `${where}  ${problem.yamlPath}  ${what}`;
  return problem.hint ? `${head}\n  hint: ${problem.hint}` : head;
}

export function formatProblems(problems: readonly Problem[], cwd: string): string {
  return [...problems].sort(compareProblems).map((p) => formatProblem(p, cwd)).join('\n');
}

/** Warnings read like problems, marked: `file:4:15  jobs.a.steps[1].file  warning: index.yml:4 uses ...`. */
export function formatWarnings(warnings: readonly Problem[], cwd: string): string {
  return [...warnings].sort(compareProblems).map((w) => formatProblem({ ...w, message: `warning: ${w.message}` }, cwd)).join('\n');
}

export function countProblems(count: number): string {
  return count === 1 ? '1 problem' : `${count} problems`;
}
