import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { type S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { contentType } from 'mime-types';
import { StressError } from '../errors.ts';
import { type S3Connection, createS3Client, objectUrl } from './s3-connection.ts';
import { clientWhoseAbortKeepsTheCause } from './abort-keeps-the-cause.ts';
import { describeS3Error, isMissingBucketError, retryTransient } from './s3-errors.ts';

export interface UploadDirectoryOptions extends S3Connection {
  bucket: string;
  directory: string;
  /** Key prefix, already resolved (see resolveKeyPrefix). */
  prefix: string;
  /** Files uploaded at once (default 4). */
  concurrency?: number;
  /** Multipart part size; files larger than this go multipart (default and S3 minimum: 5 MiB). */
  partSizeBytes?: number;
  /** Tries per file for transient failures, beyond the SDK's per-request retries (default 2). */
  attempts?: number;
  signal?: AbortSignal;
  onProgress?: (event: { key: string; loadedBytes: number; totalBytes: number }) => void;
  /** Reuse a client (tests, several calls); default: one from the connection options. */
  client?: S3Client;
}

export interface UploadedObject {
  key: string;
  path: string;
  bytes: number;
  contentType: string;
}

export interface MissingObject {
  key: string;
  path: string;
  bytes: number;
  reason: string;
  attempts: number;
}

export interface ReportLink {
  label: string;
  url: string;
}

interface UploadOutcome {
  bucket: string;
  prefix: string;
  directory: string;
  uploaded: UploadedObject[];
  bytes: number;
  durationMs: number;
  links: ReportLink[];
}

/**
 * `incomplete` names every key that did not arrive (some or all). Local files are never
 * touched: whatever the outcome, `directory` is as it was.
 */
export type UploadResult =
  | ({ status: 'complete' } & UploadOutcome)
  | ({ status: 'incomplete'; missing: MissingObject[]; reason: string } & UploadOutcome)
  | { status: 'nothing-to-upload'; directory: string; reason: string };

export const DEFAULT_PART_SIZE_BYTES = 5 * 1024 * 1024;

interface LocalFile {
  path: string;
  key: string;
  bytes: number;
}

async function listFiles(directory: string, prefix: string): Promise<LocalFile[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        const relativeKey = relative(directory, path).split(sep).join('/');
        return { path, key: prefix ? `${prefix}/${relativeKey}` : relativeKey, bytes: (await stat(path)).size };
      }),
  );
  return files.sort((a, b) => a.key.localeCompare(b.key));
}

/** Sizes of what the store actually holds under the prefix: the proof that keys arrived. */
async function listStoredSizes(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const pages = paginateListObjectsV2({ client, ...(signal ? { abortSignal: signal } : {}) }, { Bucket: bucket, Prefix: prefix ? `${prefix}/` : undefined });
  for await (const page of pages) for (const object of page.Contents ?? []) if (object.Key) sizes.set(object.Key, object.Size ?? -1);
  return sizes;
}

function linksFor(connection: S3Connection, bucket: string, prefix: string, uploaded: UploadedObject[]): ReportLink[] {
  const keys = new Set(uploaded.map((object) => object.key));
  const under = (path: string) => (prefix ? `${prefix}/${path}` : path);
  const links: ReportLink[] = [];
  for (const [label, path] of [
    ['Allure report', 'allure-report/index.html'],
    ['Allure report (single file)', 'allure-report-single/index.html'],
    ['Stats', 'stats.md'],
  ] as const) {
    if (keys.has(under(path))) links.push({ label, url: objectUrl(connection, bucket, under(path)) });
  }
  links.push({ label: 'All files', url: objectUrl(connection, bucket, prefix ? `${prefix}/` : '') });
  return links;
}

/**
 * Upload every file under `directory` to `bucket` under `prefix`, with content types, multipart
 * above the part size, per-file retries of transient failures, and a final listing that checks
 * each key arrived with its size. A missing bucket stops at the first file and reports the
 * rest as not sent.
 */
export async function uploadDirectory(options: UploadDirectoryOptions): Promise<UploadResult> {
  const directory = resolve(options.directory);
  const files = await listFiles(directory, options.prefix).catch(() => undefined);
  if (files === undefined) return { status: 'nothing-to-upload', directory, reason: `${directory} does not exist or cannot be read` };
  if (files.length === 0) return { status: 'nothing-to-upload', directory, reason: `${directory} has no files` };

  const startedAt = performance.now();
  const client = options.client ?? createS3Client(options);
  const uploaded: UploadedObject[] = [];
  const missing: MissingObject[] = [];
  let stopReason: string | undefined;
  const queue = [...files];

  const uploadOne = async (file: LocalFile): Promise<void> => {
    const type = contentType(file.key.split('/').pop() ?? '') || 'application/octet-stream';
    let abortFailure: unknown;
    const uploadClient = clientWhoseAbortKeepsTheCause(client, (error) => (abortFailure = error));
    const outcome = await retryTransient(
      async () => {
        const upload = new Upload({
          client: uploadClient,
          params: { Bucket: options.bucket, Key: file.key, Body: createReadStream(file.path), ContentType: type, ContentLength: file.bytes },
          partSize: options.partSizeBytes ?? DEFAULT_PART_SIZE_BYTES,
          queueSize: 4,
          leavePartsOnError: false,
        });
        const abort = () => void upload.abort();
        options.signal?.addEventListener('abort', abort, { once: true });
        upload.on('httpUploadProgress', (progress) => {
          options.onProgress?.({ key: file.key, loadedBytes: progress.loaded ?? 0, totalBytes: progress.total ?? file.bytes });
        });
        try {
          await upload.done();
        } finally {
          options.signal?.removeEventListener('abort', abort);
        }
      },
      { attempts: options.attempts ?? 2, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (outcome.status === 'ok') {
      uploaded.push({ key: file.key, path: file.path, bytes: file.bytes, contentType: type });
      return;
    }
    const abortNote = abortFailure === undefined ? '' : ` (its parts may remain: the multipart upload could not be aborted: ${describeS3Error(abortFailure)})`;
    const reason = `${describeS3Error(outcome.error)}${abortNote}`;
    missing.push({ ...file, reason, attempts: outcome.attempts });
    if (isMissingBucketError(outcome.error)) stopReason = `bucket ${options.bucket} does not exist`;
    if (options.signal?.aborted) stopReason = 'aborted';
  };

  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (stopReason) missing.push({ ...file, reason: `not sent: ${stopReason}`, attempts: 0 });
      else await uploadOne(file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, files.length) }, worker));

  if (uploaded.length > 0 && !stopReason) {
    const stored = await listStoredSizes(client, options.bucket, options.prefix, options.signal).catch((error: unknown) => error);
    if (stored instanceof Map) {
      for (const object of [...uploaded]) {
        const size = stored.get(object.key);
        if (size === object.bytes) continue;
        uploaded.splice(uploaded.indexOf(object), 1);
        const reason = size === undefined ? 'not listed by the store after upload' : `stored with ${size} bytes, expected ${object.bytes}`;
        missing.push({ key: object.key, path: object.path, bytes: object.bytes, reason, attempts: 1 });
      }
    }
  }
  if (!options.client) client.destroy();

  uploaded.sort((a, b) => a.key.localeCompare(b.key));
  missing.sort((a, b) => a.key.localeCompare(b.key));
  const outcome: UploadOutcome = {
    bucket: options.bucket,
    prefix: options.prefix,
    directory,
    uploaded,
    bytes: uploaded.reduce((sum, object) => sum + object.bytes, 0),
    durationMs: performance.now() - startedAt,
    links: linksFor(options, options.bucket, options.prefix, uploaded),
  };
  if (missing.length === 0) return { status: 'complete', ...outcome };
  const reason = stopReason ?? (missing[0] as MissingObject).reason;
  return { status: 'incomplete', missing, reason, ...outcome };
}

/** The error an upload step fails with, naming the keys that did not arrive; undefined when all did. */
export function uploadFailure(result: UploadResult): StressError | undefined {
  if (result.status === 'complete') return undefined;
  if (result.status === 'nothing-to-upload') {
    return new StressError('S3', `Nothing to upload: ${result.reason}`, { hint: 'Point `directory` at the run\'s reports folder.' });
  }
  const shown = result.missing.slice(0, 10).map((object) => `${object.key} (${object.reason})`);
  const more = result.missing.length > shown.length ? `, and ${result.missing.length - shown.length} more` : '';
  return new StressError(
    'S3',
    `${result.missing.length} of ${result.missing.length + result.uploaded.length} files did not arrive in s3://${result.bucket}/${result.prefix}: ${result.reason}. Missing: ${shown.join('; ')}${more}`,
    {
      hint: `The local files are kept in ${result.directory}; rerun upload_to_s3 once the store is reachable.`,
      details: { missing: result.missing.map((object) => object.key) },
    },
  );
}
