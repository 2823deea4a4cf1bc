import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GetObjectCommand, HeadObjectCommand, type S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { StressError } from '../errors.ts';
import { type S3Connection, createS3Client } from './s3-connection.ts';
import { describeS3Error, isNotFoundError, retryTransient } from './s3-errors.ts';

export interface DownloadOptions extends S3Connection {
  bucket: string;
  /** One object, or a prefix: a trailing `/`, or a key with no object but objects under `key/`. */
  key: string;
  localDirectory: string;
  attempts?: number;
  concurrency?: number;
  signal?: AbortSignal;
  client?: S3Client;
}

export interface DownloadedFile {
  key: string;
  path: string;
  bytes: number;
}

export type DownloadResult =
  | { status: 'complete'; bucket: string; key: string; files: DownloadedFile[]; bytes: number; durationMs: number }
  | { status: 'incomplete'; bucket: string; key: string; files: DownloadedFile[]; missing: Array<{ key: string; reason: string }>; reason: string }
  | { status: 'not-found'; bucket: string; key: string; reason: string };

/**
 * Where an object goes: a prefix's objects keep their path below the prefix; a single object
 * keeps its file name. A key that would climb out of `localDirectory` (`../`) is refused.
 */
function localPathFor(localDirectory: string, relativeKey: string): string | undefined {
  const path = resolve(localDirectory, ...relativeKey.split('/').filter((part) => part.length > 0));
  return path.startsWith(localDirectory + sep) ? path : undefined;
}

/** Stream one object to a temporary name, then rename: no half-written file is ever visible. */
async function downloadObject(client: S3Client, bucket: string, key: string, path: string, signal?: AbortSignal): Promise<number> {
  const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), signal ? { abortSignal: signal } : {});
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.part-${process.pid}`;
  try {
    await pipeline(response.Body as Readable, createWriteStream(temporary), ...(signal ? [{ signal }] : []));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return response.ContentLength ?? 0;
}

async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) if (object.Key && !object.Key.endsWith('/')) keys.push(object.Key);
  }
  return keys;
}

/** Decide what `key` names: one object (HEAD answers) or the objects under `key/`. */
async function resolveTargets(client: S3Client, bucket: string, key: string): Promise<Array<{ key: string; relativeKey: string }>> {
  if (!key.endsWith('/')) {
    try {
      await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return [{ key, relativeKey: key.split('/').pop() ?? key }];
    } catch (error) {
      if (!isNotFoundError(error)) throw error;
    }
  }
  const prefix = key.endsWith('/') ? key : `${key}/`;
  return (await listKeys(client, bucket, prefix)).map((found) => ({ key: found, relativeKey: found.slice(prefix.length) }));
}

/**
 * Download one object or a whole prefix into `localDirectory` (the seed's download_from_s3,
 * which fetched datasets before a run). Transient failures are retried per object.
 */
export async function downloadFromS3(options: DownloadOptions): Promise<DownloadResult> {
  const startedAt = performance.now();
  const client = options.client ?? createS3Client(options);
  const localDirectory = resolve(options.localDirectory);
  const base = { bucket: options.bucket, key: options.key };
  try {
    let targets: Array<{ key: string; relativeKey: string }>;
    try {
      targets = await resolveTargets(client, options.bucket, options.key);
    } catch (error) {
      return { status: 'not-found', ...base, reason: describeS3Error(error) };
    }
    if (targets.length === 0) return { status: 'not-found', ...base, reason: `no object ${options.key} and nothing under ${options.key.replace(/\/?$/, '/')}` };

    const files: DownloadedFile[] = [];
    const missing: Array<{ key: string; reason: string }> = [];
    const queue = [...targets];
    const worker = async (): Promise<void> => {
      for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
        const path = localPathFor(localDirectory, target.relativeKey);
        if (!path) {
          missing.push({ key: target.key, reason: `refused: ${target.relativeKey} would be written outside ${localDirectory}` });
          continue;
        }
        const outcome = await retryTransient(() => downloadObject(client, options.bucket, target.key, path, options.signal), {
          attempts: options.attempts ?? 3,
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (outcome.status === 'ok') files.push({ key: target.key, path, bytes: outcome.value });
        else missing.push({ key: target.key, reason: describeS3Error(outcome.error) });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, targets.length) }, worker));
    files.sort((a, b) => a.key.localeCompare(b.key));
    if (missing.length > 0) return { status: 'incomplete', ...base, files, missing, reason: (missing[0] as { reason: string }).reason };
    return { status: 'complete', ...base, files, bytes: files.reduce((sum, file) => sum + file.bytes, 0), durationMs: performance.now() - startedAt };
  } finally {
    if (!options.client) client.destroy();
  }
}

/** The error a download step fails with, or undefined when everything arrived. */
export function downloadFailure(result: DownloadResult): StressError | undefined {
  if (result.status === 'complete') return undefined;
  if (result.status === 'not-found') {
    return new StressError('S3', `Nothing to download at s3://${result.bucket}/${result.key}: ${result.reason}`, {
      hint: 'Check the bucket, the key (a prefix may end with /), region and credentials.',
    });
  }
  const keys = result.missing.map((object) => `${object.key} (${object.reason})`).slice(0, 10);
  return new StressError('S3', `${result.missing.length} objects of s3://${result.bucket}/${result.key} did not download: ${keys.join('; ')}`, {
    hint: 'Transient failures were retried; rerun once the store is reachable.',
    details: { missing: result.missing.map((object) => object.key) },
  });
}
