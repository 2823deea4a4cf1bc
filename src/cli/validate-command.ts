import { isStressError } from '../errors.ts';
import { readConfigFile } from '../config/load-plan.ts';
import type { Plan } from '../config/plan.ts';
import { countProblems, displayPath, formatProblems } from '../config/problem.ts';
import { validateConfigText } from '../config/validate-config.ts';
import type { Env } from '../config/validate-config.ts';
import path from 'node:path';

/** Where the command reads and writes; tests pass their own to run it in-process. */
export interface ValidateIo {
  cwd: string;
  env: Env;
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: CI tells a broken config from a broken tool. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_INVALID_CONFIG = 2;

const USAGE = `usage: jina-stress validate <config.yaml> [more.yaml ...]

Checks configs completely (types, unknown keys, files they name, step order) and prints
every problem with its line:column. Contacts nothing.
Exit: 0 valid, 2 invalid or missing config, 1 other error.`;

const processIo: ValidateIo = {
  cwd: process.cwd(),
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

export async function validateCommand(argv: string[], io: ValidateIo = processIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const unknownOption = argv.find((arg) => arg.startsWith('-'));
  if (argv.length === 0 || unknownOption) {
    io.err(unknownOption ? `unknown option ${unknownOption}\n\n${USAGE}` : USAGE);
    return EXIT_ERROR;
  }
  let exitCode = EXIT_OK;
  for (const configPath of argv) exitCode = Math.max(exitCode, validateOne(configPath, io));
  return exitCode;
}

function validateOne(configPath: string, io: ValidateIo): number {
  const shown = displayPath(path.resolve(io.cwd, configPath), io.cwd);
  try {
    const text = readConfigFile(configPath, io.cwd);
    const validation = validateConfigText(text, { configPath, cwd: io.cwd, env: io.env });
    if (validation.status === 'valid') {
      io.out(summarize(shown, validation.plan));
      return EXIT_OK;
    }
    io.err(formatProblems(validation.problems, io.cwd));
    io.err(`invalid: ${shown}: ${countProblems(validation.problems.length)}`);
    return EXIT_INVALID_CONFIG;
  } catch (error) {
    if (isStressError(error, 'CONFIG_NOT_FOUND')) {
      io.err(error.format());
      return EXIT_INVALID_CONFIG;
    }
    io.err(isStressError(error) ? error.format() : `internal error validating ${shown}: ${error instanceof Error ? error.stack : error}`);
    return EXIT_ERROR;
  }
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
