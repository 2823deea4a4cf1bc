import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StressError } from '../errors.ts';
import type { Plan } from './plan.ts';
import { countProblems, displayPath, formatProblems, formatWarnings } from './problem.ts';
import type { Problem } from './problem.ts';
import { validateConfigText } from './validate-config.ts';
import type { Env } from './validate-config.ts';

export interface LoadPlanOptions {
  /** Default: process.cwd(); relative config paths and messages are relative to it. */
  cwd?: string;
  /** Default: process.env. */
  env?: Env;
  /** Gets the config's warnings, formatted (a template variable that renders empty). */
  onWarnings?: (text: string) => void;
}

/** Reads a config file's text, or throws CONFIG_NOT_FOUND naming where it looked. */
export function readConfigFile(configPath: string, cwd: string): string {
  const file = path.resolve(cwd, configPath);
  const stats = statSync(file, { throwIfNoEntry: false });
  if (!stats?.isFile()) {
    const what = stats ? 'is not a file' : 'not found';
    throw new StressError('CONFIG_NOT_FOUND', `config ${what}: ${displayPath(file, cwd)}`, {
      hint: 'pass the path of a YAML config (relative to the working directory, or absolute)',
      details: { configPath: file },
    });
  }
  return readFileSync(file, 'utf8');
}

/**
 * Loads, validates and freezes a config. Throws one StressError: CONFIG_NOT_FOUND, or
 * CONFIG_INVALID with `details.problems` (every problem) and a message listing them all.
 */
export function loadPlan(configPath: string, options: LoadPlanOptions = {}): Plan {
  const cwd = options.cwd ?? process.cwd();
  const text = readConfigFile(configPath, cwd);
  const validation = validateConfigText(text, { configPath, cwd, env: options.env });
  if (validation.warnings.length > 0) options.onWarnings?.(formatWarnings(validation.warnings, cwd));
  if (validation.status === 'valid') return validation.plan;
  throw invalidConfigError(configPath, validation.problems, cwd);
}

export function invalidConfigError(configPath: string, problems: Problem[], cwd: string): StressError {
  const file = displayPath(path.resolve(cwd, configPath), cwd);
  // No error-level hint: each problem carries its own, and one more would read as the last one's.
  return new StressError('CONFIG_INVALID', `${file}: ${countProblems(problems.length)}\n${formatProblems(problems, cwd)}`, {
    details: { problems },
  });
}
