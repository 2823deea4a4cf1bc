import type { StressErrorCode } from './errors.ts';

/**
 * Process exit codes of `jina-stress` and, as far as Vitest lets a plugin, of `npx vitest run`:
 * CI can tell a broken config from a failed stress run.
 */
export const EXIT_CODES = {
  /** Everything ran and passed. */
  ok: 0,
  /** A step, threshold or check failed (or the tool itself failed). */
  failed: 1,
  /** The config is invalid or missing, or the command line is wrong: nothing ran. */
  invalid: 2,
} as const satisfies Record<string, number>;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Errors that mean "nothing ran because of what the user gave us". */
const INVALID_INPUT_CODES: ReadonlySet<StressErrorCode> = new Set(['CONFIG_INVALID', 'CONFIG_NOT_FOUND', 'CONFIG_YAML', 'SELECTION_EMPTY']);

export function exitCodeOf(code: StressErrorCode): ExitCode {
  return INVALID_INPUT_CODES.has(code) ? EXIT_CODES.invalid : EXIT_CODES.failed;
}

// Global setup is loaded apart from the plugin (another module instance): the process-wide
// registry is the channel between them.
const REQUESTED = Symbol.for('jina-stress.requested-exit-code');
type WithRequested = typeof globalThis & { [REQUESTED]?: ExitCode };

/** Global setup: the run stopped for this reason; the plugin applies it when Vitest closes. */
export function requestExitCode(code: ExitCode): void {
  (globalThis as WithRequested)[REQUESTED] = code;
}

export function requestedExitCode(): ExitCode | undefined {
  return (globalThis as WithRequested)[REQUESTED];
}
