import type { AxiosInstance, AxiosRequestConfig } from 'axios';
import { daemonHttpError, daemonUnreachableError, type DaemonCall } from './daemon-error.ts';
import { backoffDelayMs, isRetriable, type AttemptOutcome, type RetryPolicy } from './retry-policy.ts';

export interface DaemonRequest extends DaemonCall {
  /** Called per attempt: a multipart body cannot be sent twice. */
  body?: () => { data: unknown; headers?: Record<string, string> };
  timeoutMs: number;
}

/**
 * Sends one call with retries (see retry-policy) and returns the body text of its 2xx
 * answer. Errors are StressErrors built from plain values only: axios errors carry the
 * request config, Authorization header included, so none is kept as a cause.
 */
export async function sendDaemonRequest(
  http: AxiosInstance,
  request: DaemonRequest,
  policy: RetryPolicy,
): Promise<string> {
  const where: DaemonCall = { call: request.call, method: request.method, path: request.path };
  for (let attempt = 0; ; attempt += 1) {
    const body = request.body?.();
    const config: AxiosRequestConfig<unknown> = {
      method: request.method,
      url: request.path,
      timeout: request.timeoutMs,
      data: body?.data,
      headers: body?.headers,
    };
    let outcome: AttemptOutcome;
    let failure: { code: string | undefined; message: string } | undefined;
    let text = '';
    try {
      const response = await http.request<string>(config);
      text = typeof response.data === 'string' ? response.data : '';
      if (response.status >= 200 && response.status < 300) return text;
      outcome = { status: 'response', httpStatus: response.status };
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      failure = { code, message: message ?? String(error) };
      outcome = { status: 'network-error', code };
    }
    const attempts = attempt + 1;
    if (attempt >= policy.retries || !isRetriable(outcome)) {
      if (outcome.status === 'response') throw daemonHttpError(where, outcome.httpStatus, text, attempts);
      throw daemonUnreachableError(where, http.defaults.baseURL ?? '', failure ?? { code: undefined, message: '' }, attempts);
    }
    await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(policy, attempt)));
  }
}
