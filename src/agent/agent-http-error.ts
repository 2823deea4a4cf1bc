import { StressError, isStressError, type StressErrorCode } from '../errors.ts';

/** What the agent answers with on failure: FastAPI's shape, so JinaD clients read it too. */
export interface ErrorReply {
  status: number;
  body: { detail: unknown; body?: string[] };
}

/** A StressError that carries the HTTP status the agent should answer with. */
export function agentHttpError(
  status: number,
  detail: string,
  options: { code?: StressErrorCode; hint?: string; logTail?: string[] } = {},
): StressError {
  return new StressError(options.code ?? 'AGENT_UPLOAD', detail, {
    hint: options.hint,
    details: { httpStatus: status, ...(options.logTail ? { logTail: options.logTail } : {}) },
  });
}

// Errors raised below the routes (Flow YAML, runtimes) know their code, not an HTTP status.
const statusByCode: Partial<Record<StressErrorCode, number>> = {
  FLOW_YAML: 400,
  FLOW_NOT_READY: 400,
  AGENT_UPLOAD: 400,
  AGENT_RUNTIME: 500,
};

/** Maps anything thrown in a route to a status and a `{detail}` body. */
export function toErrorReply(error: unknown): ErrorReply {
  if (isStressError(error)) {
    const status = Number(error.details?.httpStatus ?? statusByCode[error.code] ?? 500);
    const logTail = error.details?.logTail;
    const detail = error.hint ? `${error.message} (hint: ${error.hint})` : error.message;
    // JinaD 1.x put the traceback in `body`; the log tail of a failed flow goes there too.
    return { status, body: Array.isArray(logTail) ? { detail, body: logTail.map(String) } : { detail } };
  }
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) {
    return { status: statusCode, body: { detail: message } };
  }
  return { status: 500, body: { detail: `internal error: ${message}` } };
}
