import { agentHttpError } from './agent-http-error.ts';

// Run ids are chosen by clients and end up in a file on disk and in log lines: a small
// alphabet keeps them from meaning anything to a shell, a path or a terminal.
const runIdPattern = /^[A-Za-z0-9._-]{1,128}$/;

/** A run id from a form field or a path, or undefined when absent; anything else is a 422. */
export function parseRunId(raw: string | undefined, where: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!runIdPattern.test(raw) || raw === '.' || raw === '..') {
    throw agentHttpError(422, `${where} is not a valid run id (1-128 of A-Z a-z 0-9 . _ -)`);
  }
  return raw;
}

/** As parseRunId, for a path segment where the id is required. */
export function requireRunId(raw: string | undefined, where: string): string {
  const runId = parseRunId(raw, where);
  if (runId === undefined) throw agentHttpError(422, `${where} is required`);
  return runId;
}
