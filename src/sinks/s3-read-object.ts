import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { type S3Connection, createS3Client } from './s3-connection.ts';
import { describeS3Error, isNotFoundError, retryTransient } from './s3-errors.ts';

export type S3ObjectText =
  | { status: 'found'; text: string }
  | { status: 'not-found'; reason: string }
  | { status: 'failed'; reason: string };

/**
 * One small object's text (a baseline): missing and unreachable are told apart, because a
 * missing baseline may be allowed (`if_missing: pass`) while a store that does not answer is
 * always an error. Transient failures are retried.
 */
export async function readS3ObjectText(options: S3Connection & { bucket: string; key: string; signal?: AbortSignal }): Promise<S3ObjectText> {
  const client = createS3Client(options);
  try {
    const outcome = await retryTransient(
      async () => {
        const response = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: options.key }), options.signal ? { abortSignal: options.signal } : {});
        const chunks: Buffer[] = [];
        for await (const chunk of response.Body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
        return Buffer.concat(chunks).toString('utf8');
      },
      { attempts: 3, ...(options.signal ? { signal: options.signal } : {}) },
    );
    if (outcome.status === 'ok') return { status: 'found', text: outcome.value };
    const reason = describeS3Error(outcome.error);
    return isNotFoundError(outcome.error) ? { status: 'not-found', reason } : { status: 'failed', reason };
  } finally {
    client.destroy();
  }
}
