import path from 'node:path';
import { readConfigFile } from '../config/load-plan.ts';
import type { Plan } from '../config/plan.ts';
import { compareProblems, countProblems, displayPath, formatProblems, formatWarnings, type Problem } from '../config/problem.ts';
import { validateConfigText } from '../config/validate-config.ts';
import type { Env } from '../config/validate-config.ts';
import { isStressError } from '../errors.ts';
import { EXIT_CODES, type ExitCode } from '../exit-codes.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** Where the command reads and writes; tests pass their own to run it in-process. */
export interface ValidateIo {
  cwd: string;
  env: Env;
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: CI tells a broken config from a broken tool. */
export const EXIT_OK = EXIT_CODES.ok;
export const EXIT_ERROR = EXIT_CODES.failed;
export const EXIT_INVALID_CONFIG = EXIT_CODES.invalid;

const USAGE = `usage: jina-stress validate [--json] <config.yaml> [more.yaml ...]

Checks configs completely (types, unknown keys, files they name, step order) and prints
every problem with its line:column. Contacts nothing.

  --json   one JSON document on stdout: {"valid", "files": [{"file", "valid", "problems":
           [{"file", "line", "column", "yamlPath", "message", "found"?, "hint"?}], "jobs"?}]}

Exit: 0 valid, 2 invalid or missing config (or bad usage), 1 other error.`;

const processIo: ValidateIo = {
  cwd: process.cwd(),
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** One config's verdict in `--json` output. */
export interface ValidationReport {
  file: string;
  valid: boolean;
  problems: Problem[];
  /** Not problems (the config stays valid): a template variable that renders empty. */
  warnings?: Problem[];
  /** Valid configs: each job's steps by test name. */
  jobs?: { name: string; steps: { name: string; kind: string }[] }[];
  /** The tool failed on this file (not a config problem). */
  error?: string;
}

export async function validateCommand(argv: string[], io: ValidateIo = processIo): Promise<number> {
  const parsed = parseCommandLine(argv, { json: { type: 'boolean' } }, USAGE, io);
  if (parsed.status === 'exit') return parsed.code;
  if (parsed.positionals.length === 0) {
    io.err(USAGE);
    return EXIT_CODES.invalid;
  }
  const results = parsed.positionals.map((configPath) => validateOne(configPath, io));
  const exitCode = Math.max(...results.map((result) => result.exitCode)) as ExitCode;
  if (parsed.values.json) {
    io.out(JSON.stringify({ valid: exitCode === EXIT_OK, files: results.map((result) => result.report) }, null, 2));
  } else {
    for (const result of results) for (const line of result.lines) (line.stream === 'out' ? io.out : io.err)(line.text);
  }
  return exitCode;
}

interface OneResult {
  exitCode: ExitCode;
  report: ValidationReport;
  lines: { stream: 'out' | 'err'; text: string }[];
}

function validateOne(configPath: string, io: ValidateIo): OneResult {
  const file = path.resolve(io.cwd, configPath);
  const shown = displayPath(file, io.cwd);
  try {
    const text = readConfigFile(configPath, io.cwd);
    const validation = validateConfigText(text, { configPath, cwd: io.cwd, env: io.env });
    const warnings = validation.warnings;
    const warningLines = warnings.length > 0 ? [{ stream: 'err' as const, text: formatWarnings(warnings, io.cwd) }] : [];
    if (validation.status === 'valid') {
      return {
        exitCode: EXIT_OK,
        report: { file, valid: true, problems: [], ...(warnings.length > 0 ? { warnings } : {}), jobs: jobsOf(validation.plan) },
        lines: [...warningLines, { stream: 'out', text: summarize(shown, validation.plan) }],
      };
    }
    const problems = [...validation.problems].sort(compareProblems);
    return {
      exitCode: EXIT_INVALID_CONFIG,
      report: { file, valid: false, problems, ...(warnings.length > 0 ? { warnings } : {}) },
      lines: [
        { stream: 'err', text: formatProblems(problems, io.cwd) },
        ...warningLines,
        { stream: 'err', text: `invalid: ${shown}: ${countProblems(problems.length)}` },
      ],
    };
  } catch (error) {
    if (isStressError(error, 'CONFIG_NOT_FOUND')) {
      const problem: Problem = { file, yamlPath: '', line: 0, column: 0, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
      return { exitCode: EXIT_INVALID_CONFIG, report: { file, valid: false, problems: [problem] }, lines: [{ stream: 'err', text: error.format() }] };
    }
    const text = isStressError(error) ? error.format() : `internal error validating ${shown}: ${error instanceof Error ? error.stack : error}`;
    return { exitCode: EXIT_ERROR, report: { file, valid: false, problems: [], error: text }, lines: [{ stream: 'err', text }] };
  }
}

function jobsOf(plan: Plan): ValidationReport['jobs'] {
  return plan.jobs.map((job) => ({ name: job.name, steps: job.steps.map((step) => ({ name: step.name, kind: step.kind })) }));
}

/** `ok: <file>: N jobs, M steps`, then each job's steps by test name. */
export function summarize(shownPath: string, plan: Plan): string {
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const stepCount = plan.jobs.reduce((sum, job) => sum + job.steps.length, 0);
  const lines = [`ok: ${shownPath}: ${plural(plan.jobs.length, 'job')}, ${plural(stepCount, 'step')}`];
  for (const job of plan.jobs) {
    lines.push(`  ${job.name}`);
    for (const step of job.steps) {
      const kind = step.name === step.kind || step.name.startsWith(`${step.kind} #`) ? '' : ` (${step.kind})`;
      lines.push(`    ${step.index + 1}. ${step.name}${kind}`);
    }
  }
  return lines.join('\n');
}
