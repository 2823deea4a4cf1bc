import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_CODES, type ExitCode } from '../exit-codes.ts';

/** Where a command prints; tests pass their own to run a command in-process. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

export const consoleIo: CommandIo = { out: (text) => console.log(text), err: (text) => console.error(text) };

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O & { help: { type: 'boolean'; short: 'h' } }; allowPositionals: true; strict: true }>>;

/** A command line read against a command's options: run with these values, or exit with this code (the usage is printed). */
export type CommandLine<O extends Options> = ({ status: 'run' } & Parsed<O>) | { status: 'exit'; code: ExitCode };

/**
 * Every command's first lines: strict options plus `--help`/`-h`. An unknown option or a
 * missing value prints the message and the usage (exit 2); `--help` prints the usage (exit 0).
 * Positionals are the command's to check.
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O, usage: string, io: CommandIo = consoleIo): CommandLine<O> {
  let parsed: Parsed<O>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } as const }, allowPositionals: true, strict: true }) as Parsed<O>;
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${usage}`);
    return { status: 'exit', code: EXIT_CODES.invalid };
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(usage);
    return { status: 'exit', code: EXIT_CODES.ok };
  }
  return { status: 'run', ...parsed };
}
