import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyRequest } from 'fastify';
import { isStressError } from '../errors.ts';
import { agentHttpError } from './agent-http-error.ts';
import type { UploadLimits } from './agent-options.ts';
import { parseUploadName } from './upload-name.ts';

export interface StagedFile {
  /** The multipart field it came in (`files`, `flow`). */
  fieldName: string;
  /** Sanitised relative path, see parseUploadName. */
  name: string;
  stagedPath: string;
  bytes: number;
}

/** A fully received multipart request: files staged on disk, form fields as strings. */
export interface Upload {
  files: StagedFile[];
  fields: Record<string, string>;
  /** Remove it when done; committed files have been moved out of it. */
  stagingDir: string;
}

/**
 * Receives a multipart request into a staging folder under `stagingParent`. Files land in
 * the workspace only after the whole request is accepted, so a rejected upload (bad name,
 * too large) never leaves half its files behind.
 */
export async function readUpload(
  request: FastifyRequest,
  limits: UploadLimits,
  stagingParent: string,
  /** Form fields whose files the route reads; files in other fields are read past and dropped. */
  fileFields: readonly string[],
): Promise<Upload> {
  if (!request.isMultipart()) throw agentHttpError(422, 'expected a multipart/form-data body');
  // A leading dot keeps staging folders apart from workspace ids, which cannot start with one.
  const stagingDir = await mkdtemp(join(stagingParent, '.staging-'));
  const upload: Upload = { files: [], fields: {}, stagingDir };
  let totalBytes = 0;
  // The per-file limit may surface from the stream or from the next part: name the file either way.
  let lastFileName = '';
  try {
    // preservePath: busboy would otherwise cut names to their basename, losing sub-folders
    // and hiding escape attempts that parseUploadName should see and refuse.
    const parts = request.parts({
      preservePath: true,
      limits: { fileSize: limits.fileBytes, files: limits.files, fields: 100, fieldSize: fieldBytes },
    });
    for await (const part of parts) {
      if (part.type === 'field') {
        // busboy cuts a field at the limit and says so; a cut id or environment must not pass.
        if (part.valueTruncated) throw agentHttpError(413, `form field ${JSON.stringify(clip(part.fieldname ?? ''))} is longer than ${fieldBytes} bytes`);
        upload.fields[part.fieldname] = String(part.value);
        continue;
      }
      if (!fileFields.includes(part.fieldname)) {
        // As FastAPI (JinaD) does: a file in a field the route does not read is ignored, not
        // stored; the route then names the field it misses. (busboy leaves the name undefined
        // when the part's header has none.)
        await pipeline(part.file, new Writable({ write: (_chunk, _encoding, done) => done() }));
        continue;
      }
      const name = parseUploadName(part.filename);
      const stagedPath = join(stagingDir, String(upload.files.length));
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          totalBytes += chunk.length;
          if (totalBytes > limits.totalBytes) {
            done(agentHttpError(413, `upload is larger than the limit of ${limits.totalBytes} bytes in total`));
            return;
          }
          done(null, chunk);
        },
      });
      lastFileName = name;
      await pipeline(part.file, count, createWriteStream(stagedPath));
      upload.files.push({ fieldName: part.fieldname, name, stagedPath, bytes });
    }
  } catch (error) {
    await rm(stagingDir, { recursive: true, force: true });
    const code = (error as { code?: unknown }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') {
      throw agentHttpError(413, `file "${lastFileName}" is larger than the limit of ${limits.fileBytes} bytes`);
    }
    if (code === 'FST_FILES_LIMIT') throw agentHttpError(413, `upload has more than ${limits.files} files`);
    if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') throw agentHttpError(422, 'expected a multipart/form-data body');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') throw agentHttpError(413, 'upload has too many parts or fields');
    throw isMalformedBody(error) ? agentHttpError(400, `malformed multipart/form-data body: ${clip((error as Error).message)}`, { hint: malformedHint }) : error;
  }
  return upload;
}

const fieldBytes = 1024 * 1024;
const malformedHint = 'send a complete multipart/form-data body with the boundary its Content-Type names (any HTTP client\'s form upload does)';

/**
 * Errors of the body's shape (busboy's "Boundary not found", "Unexpected end of form", a cut
 * connection, Fastify's FST_* codes) are the client's: 400. Our own errors already carry a
 * status, and a failing disk (ENOSPC, EACCES, ...) stays a 500.
 */
function isMalformedBody(error: unknown): boolean {
  if (isStressError(error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('FST_')) return true;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
  // busboy's parse errors are plain Errors; a TypeError or the like is a bug of ours: 500.
  return code === undefined && error instanceof Error && error.constructor === Error;
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
