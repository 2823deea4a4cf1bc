import { agentHttpError } from './agent-http-error.ts';

/**
 * Checks an uploaded file's name and returns it as a relative POSIX path inside the
 * workspace. Sub-folders (`executors/encoder.yml`) are kept, since Flow YAML refers to files
 * by relative path. Anything that could land outside the workspace, or that only some
 * file systems read the same way, is rejected with 400 rather than silently renamed: a
 * stripped name could collide with another file or hide a mistake in the config.
 */
export function parseUploadName(raw: string | undefined): string {
  const reject = (why: string) =>
    agentHttpError(400, `upload filename ${JSON.stringify(raw ?? '')} rejected: ${why}`, {
      hint: 'send names relative to the workspace, with "/" between folders and no ".." segments',
    });
  if (raw === undefined || raw.length === 0) throw reject('empty');
  if (raw.length > 255) throw reject('longer than 255 characters');
  // NUL truncates paths in C APIs; other control characters have no business in a name.
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw reject('control character (NUL, newline, ...)');
  if (raw.includes('\\')) throw reject('backslash (a path separator on Windows)');
  if (raw.startsWith('/')) throw reject('absolute path');
  if (/^[A-Za-z]:/.test(raw)) throw reject('drive letter');
  const segments = raw.split('/');
  for (const segment of segments) {
    if (segment === '..') throw reject('".." segment');
    if (segment === '.' || segment === '') throw reject('empty or "." segment');
  }
  return segments.join('/');
}
