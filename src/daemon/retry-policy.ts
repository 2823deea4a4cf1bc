/** When and how long the daemon client waits before trying a call again. */
export interface RetryPolicy {
  /** Attempts after the first (default 3: four in all). */
  retries: number;
  /** First delay; doubles per attempt (default 200 ms). */
  baseDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 200 };

// The request never reached a handler, or a proxy in front of the daemon failed: safe to resend.
const retriableErrorCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EAI_AGAIN']);
const retriableStatuses = new Set([502, 503]);

export type AttemptOutcome = { status: 'response'; httpStatus: number } | { status: 'network-error'; code: string | undefined };

/** 4xx and other 5xx are answers, not accidents: sending them again gives the same answer. */
export function isRetriable(outcome: AttemptOutcome): boolean {
  return outcome.status === 'response'
    ? retriableStatuses.has(outcome.httpStatus)
    : outcome.code !== undefined && retriableErrorCodes.has(outcome.code);
}

/** `baseDelayMs × 2^attempt`, the upper half jittered so clients that failed together spread out. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number): number {
  const ceilingMs = policy.baseDelayMs * 2 ** attempt;
  return ceilingMs / 2 + Math.random() * (ceilingMs / 2);
}
