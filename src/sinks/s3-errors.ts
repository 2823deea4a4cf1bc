import { describeErrorRedacted } from '../report/redact-secrets.ts';

/** What the SDK puts on a service error; network errors have a `code` instead. */
interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Answers that will be the same however often we ask. */
const PERMANENT_NAMES = new Set([
  'NoSuchBucket',
  'NoSuchKey',
  'NotFound',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidBucketName',
  'AllAccessDisabled',
  'CredentialsProviderError',
]);

const TRANSIENT_NAMES = new Set(['SlowDown', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'ThrottlingException', 'TimeoutError']);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNABORTED', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

/**
 * Worth another try after a pause: throttling, 5xx, dropped or refused connections (a store
 * restarting). Not: a missing bucket, bad credentials, 4xx.
 */
export function isTransientS3Error(error: unknown): boolean {
  const shape = (error ?? {}) as SdkErrorShape;
  if (shape.name && PERMANENT_NAMES.has(shape.name)) return false;
  if (shape.name && TRANSIENT_NAMES.has(shape.name)) return true;
  if (shape.code && TRANSIENT_CODES.has(shape.code)) return true;
  const status = shape.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause !== undefined && cause !== error ? isTransientS3Error(cause) : false;
}

export function isMissingBucketError(error: unknown): boolean {
  return (error as SdkErrorShape | undefined)?.name === 'NoSuchBucket';
}

export function isNotFoundError(error: unknown): boolean {
  const shape = (error ?? {}) as SdkErrorShape;
  return shape.name === 'NoSuchKey' || shape.name === 'NotFound' || shape.$metadata?.httpStatusCode === 404;
}

/** One line for a result or a log: the SDK's name, HTTP status and message, redacted. */
export function describeS3Error(error: unknown): string {
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const name = shape.name && shape.name !== 'Error' ? `${shape.name}${status ? ` (HTTP ${status})` : ''}: ` : '';
  return `${name}${describeErrorRedacted(error)}`;
}

/**
 * Run `operation` up to `attempts` times while it fails transiently, waiting 250 ms, 500 ms…
 * between tries (on top of the SDK's own per-request retries, which cannot replay a stream
 * that was already read). Returns the last error with the count of tries.
 */
export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: { attempts: number; signal?: AbortSignal; baseDelayMs?: number },
): Promise<{ status: 'ok'; value: T; attempts: number } | { status: 'error'; error: unknown; attempts: number }> {
  let attempt = 0;
  for (;;) {
    attempt += 1;
    try {
      return { status: 'ok', value: await operation(), attempts: attempt };
    } catch (error) {
      if (attempt >= options.attempts || !isTransientS3Error(error) || options.signal?.aborted) {
        return { status: 'error', error, attempts: attempt };
      }
      const delayMs = (options.baseDelayMs ?? 250) * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
