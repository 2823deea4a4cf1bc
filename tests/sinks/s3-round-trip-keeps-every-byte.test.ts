import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Client, resolveKeyPrefix } from '../../src/sinks/s3-connection.ts';
import { downloadFailure, downloadFromS3 } from '../../src/sinks/s3-download.ts';
import { uploadDirectory, uploadFailure } from '../../src/sinks/s3-upload.ts';
import { type RunningS3rver, startS3rver } from './start-s3rver.ts';

const BUCKET = 'e2e-distributed-stress-tests';
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Record the S3 operations the client actually sends. */
function recordCommands(client: S3Client): string[] {
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return commands;
}

describe('S3 upload and download against s3rver', () => {
  let store: RunningS3rver;
  let dir: string;
  let reports: string;
  const files: Record<string, Buffer> = {};

  beforeAll(async () => {
    store = await startS3rver([BUCKET]);
    dir = await mkdtemp(join(tmpdir(), 's3-round-trip-'));
    reports = join(dir, 'reports');
    files['stats.md'] = Buffer.from('| Task | QPS |\n|:--|--:|\n| index | 36.0 |\n');
    files['allure-report/index.html'] = Buffer.from('<!doctype html><title>report</title>');
    files['allure-report/data/attachments/chart one.svg'] = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>');
    files['allure-results/summary.json'] = Buffer.from(JSON.stringify({ qps: 36 }));
    // Above the 5 MiB part size: must go multipart and come back identical.
    files['metrics/big.bin'] = randomBytes(6 * 1024 * 1024 + 12_345);
    for (const [path, bytes] of Object.entries(files)) {
      await mkdir(join(reports, path, '..'), { recursive: true });
      await writeFile(join(reports, path), bytes);
    }
  });

  afterAll(async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uploads a directory under the TFID prefix with content types, multipart above 5 MiB, and downloads it back byte for byte', async () => {
    const client = createS3Client(store.connection);
    const commands = recordCommands(client);
    const prefix = resolveKeyPrefix({ runId: 'run-1', env: { TFID: 'tf-1234' } });
    expect(prefix).toBe('tf-1234');

    const result = await uploadDirectory({ ...store.connection, client, bucket: BUCKET, directory: reports, prefix });
    expect(result.status).toBe('complete');
    expect(uploadFailure(result)).toBeUndefined();
    if (result.status !== 'complete') return;
    expect(result.uploaded.map((object) => object.key)).toEqual(Object.keys(files).map((path) => `tf-1234/${path}`).sort());
    expect(result.bytes).toBe(Object.values(files).reduce((sum, bytes) => sum + bytes.length, 0));
    expect(result.links.map((link) => link.label)).toEqual(['Allure report', 'Stats', 'All files']);
    expect(result.links[0]?.url).toBe(`${store.connection.endpoint}/${BUCKET}/tf-1234/allure-report/index.html`);

    // What the store says about the objects.
    const head = (key: string) => client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect((await head('tf-1234/allure-report/index.html')).ContentType).toBe('text/html; charset=utf-8');
    expect((await head('tf-1234/allure-report/data/attachments/chart one.svg')).ContentType).toBe('image/svg+xml');
    expect((await head('tf-1234/metrics/big.bin')).ContentLength).toBe(files['metrics/big.bin']?.length);
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(2);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands.filter((name) => name === 'PutObjectCommand')).toHaveLength(4);

    const back = join(dir, 'downloaded');
    const download = await downloadFromS3({ ...store.connection, client, bucket: BUCKET, key: 'tf-1234', localDirectory: back });
    expect(download.status).toBe('complete');
    expect(downloadFailure(download)).toBeUndefined();
    for (const [path, bytes] of Object.entries(files)) {
      expect(sha256(await readFile(join(back, path))), path).toBe(sha256(bytes));
    }
    client.destroy();
  });

  it('downloads a single key into the local directory under its file name', async () => {
    const back = join(dir, 'single');
    const result = await downloadFromS3({ ...store.connection, bucket: BUCKET, key: 'tf-1234/metrics/big.bin', localDirectory: back });
    expect(result.status).toBe('complete');
    expect(sha256(await readFile(join(back, 'big.bin')))).toBe(sha256(files['metrics/big.bin'] as Buffer));
  });

  it('says what is missing when a key or prefix does not exist', async () => {
    const result = await downloadFromS3({ ...store.connection, bucket: BUCKET, key: 'no-such-run/', localDirectory: join(dir, 'none') });
    expect(result.status).toBe('not-found');
    expect(downloadFailure(result)?.message).toContain(`s3://${BUCKET}/no-such-run/`);
    const missingBucket = await downloadFromS3({ ...store.connection, bucket: 'no-such-bucket', key: 'x', localDirectory: join(dir, 'none') });
    expect(missingBucket.status).toBe('not-found');
    expect(missingBucket.status === 'not-found' && missingBucket.reason).toContain('NoSuchBucket');
  });
});
