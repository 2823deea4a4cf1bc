import { StressError } from '../errors.ts';

/** Where an error happened: `start_flow: POST /flows`. */
export interface DaemonCall {
  call: string;
  method: string;
  path: string;
}

const hintByStatus: Record<number, string> = {
  401: 'the daemon wants a bearer token: set `daemon: {token: ...}` in the config or JINA_STRESS_AGENT_TOKEN',
  404: 'the daemon does not know this id: was it created by an earlier step, on this daemon?',
  413: 'the upload is larger than the daemon accepts: upload fewer or smaller files',
  422: 'the daemon rejected the form: is it a JinaD 1.x compatible daemon (e.g. `npx jina-stress agent`)?',
};

/** Lines of a flow's log shown in the message; all of them stay in `details.logTail`. */
const logLinesInMessage = 20;

/** An answer the call did not want: names the call, the status and the daemon's `detail`. */
export function daemonHttpError(where: DaemonCall, httpStatus: number, bodyText: string, attempts: number): StressError {
  const body = parseJson(bodyText);
  const rawDetail = isRecord(body) && 'detail' in body ? body.detail : undefined;
  const detail =
    typeof rawDetail === 'string'
      ? rawDetail
      : rawDetail !== undefined
        ? JSON.stringify(rawDetail)
        : bodyText.trim().slice(0, 300) || '(empty body)';
  // The agent (like JinaD's 400) puts a failed flow's log lines in `body`.
  const logTail = isRecord(body) && Array.isArray(body.body) ? body.body.map(String) : [];
  const shown = logTail.slice(-logLinesInMessage).map((line) => `\n    | ${line}`).join('');
  const message =
    `${where.call}: ${where.method} ${where.path} → ${httpStatus}: ${detail}` +
    (attempts > 1 ? ` (after ${attempts} attempts)` : '') +
    (shown ? `\n  last log lines:${shown}` : '');
  return new StressError('DAEMON_HTTP', message, {
    hint: hintByStatus[httpStatus] ?? (httpStatus >= 500 ? "the daemon failed: see its log" : undefined),
    details: { ...where, httpStatus, detail, logTail, attempts },
  });
}

// getaddrinfo's answers: the name does not exist (ENOTFOUND, EAI_NONAME), or the resolver
// could not say right now (EAI_AGAIN, EAI_FAIL).
const dnsErrorCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);

/** No answer at all: the name did not resolve, or refused, reset, timed out. */
export function daemonUnreachableError(
  where: DaemonCall,
  baseUrl: string,
  reason: { code: string | undefined; message: string },
  attempts: number,
): StressError {
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  if (reason.code !== undefined && dnsErrorCodes.has(reason.code)) {
    const host = new URL(baseUrl).hostname;
    return new StressError(
      'DAEMON_UNREACHABLE',
      `${where.call}: ${where.method} ${where.path} → DNS lookup of the daemon host "${host}" failed (${reason.code}) ${tries}`,
      {
        hint:
          reason.code === 'EAI_AGAIN'
            ? 'the DNS resolver did not answer: check this machine\'s network and DNS settings, or use the daemon\'s IP address'
            : `no such host: check the daemon host in the config (a typo?), or use its IP address`,
        details: { ...where, code: reason.code, host, attempts },
      },
    );
  }
  const isTimeout = reason.code === 'ECONNABORTED' || reason.code === 'ETIMEDOUT';
  return new StressError(
    'DAEMON_UNREACHABLE',
    `${where.call}: ${where.method} ${where.path} → no answer from ${baseUrl} ${tries}: ${reason.message}`,
    {
      hint: isTimeout
        ? 'the daemon took too long: raise the timeout, or see its log for a stuck flow'
        : 'is the daemon running? start one with `npx jina-stress agent --port <port>`, or fix the daemon host/port in the config',
      details: { ...where, code: reason.code, attempts },
    },
  );
}

/** A 2xx whose body is not what JinaD sends. */
export function daemonAnswerError(where: DaemonCall, httpStatus: number, expected: string, bodyText: string): StressError {
  return new StressError(
    'DAEMON_HTTP',
    `${where.call}: ${where.method} ${where.path} → ${httpStatus} but the body is not ${expected}: ${bodyText.slice(0, 200)}`,
    { hint: 'is this a JinaD 1.x compatible daemon?', details: { ...where, httpStatus } },
  );
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
