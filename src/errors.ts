/**
 * The one error type of the project. `code` is stable (tests and exit codes key on it);
 * `hint` tells the user what to do about it.
 */
export type StressErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_YAML'
  | 'TEMPLATE'
  | 'DAEMON_UNREACHABLE'
  | 'DAEMON_HTTP'
  | 'AGENT_UPLOAD'
  | 'AGENT_RUNTIME'
  | 'FLOW_YAML'
  | 'FLOW_NOT_READY'
  | 'GATEWAY_CONNECTION'
  | 'GATEWAY_TIMEOUT'
  | 'GATEWAY_STATUS'
  | 'GATEWAY_PROTOCOL'
  | 'PROTOCOL_DECODE'
  | 'PROTOCOL_ENCODE'
  | 'INPUT'
  | 'CHECK'
  | 'STEP_PREREQUISITE'
  | 'STEP_FAILED'
  | 'THRESHOLD'
  | 'REGRESSION'
  | 'BASELINE'
  | 'SELECTION_EMPTY'
  | 'S3'
  | 'SLACK'
  | 'INTERNAL';

export interface StressErrorOptions {
  hint?: string;
  cause?: unknown;
  /** Plain data for reports; never secrets. */
  details?: Record<string, unknown>;
}

export class StressError extends Error {
  readonly code: StressErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: StressErrorCode, message: string, options: StressErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StressError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** One block for a CI log: `[CODE] message` then the hint on its own line. */
  format(): string {
    const head = `[${this.code}] ${this.message}`;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }
}

export function isStressError(error: unknown, code?: StressErrorCode): error is StressError {
  return error instanceof StressError && (code === undefined || error.code === code);
}
