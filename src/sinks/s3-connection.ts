import { S3Client } from '@aws-sdk/client-s3';

/** Where and how to reach the store. Credentials come from the SDK's standard chain. */
export interface S3Connection {
  /** Default: AWS_REGION, AWS_DEFAULT_REGION, then us-east-1 (the SDK refuses to guess). */
  region?: string;
  /** An S3-compatible store (MinIO, s3rver, R2…): `http://127.0.0.1:9000`. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`); default true with `endpoint`, false for AWS. */
  forcePathStyle?: boolean;
  /** Explicit credentials (tests, programmatic use); absent: env, profile, SSO, IMDS… */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SDK-level attempts per request, for transient failures (default 3). */
  maxAttempts?: number;
  /** No response bytes for this long fails the request (default 60 s). */
  requestTimeoutMs?: number;
}

export function resolveRegion(connection: S3Connection, env: NodeJS.ProcessEnv = process.env): string {
  return connection.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}

/**
 * An S3 client for uploads and downloads of report folders. Checksums only when the
 * operation requires them: with the SDK's default (`WHEN_SUPPORTED`) stream uploads to
 * S3-compatible stores that do not understand aws-chunked encoding are stored *with* the
 * framing (a 3,000,000-byte file became 3,000,449 bytes on s3rver), and the call succeeds.
 */
export function createS3Client(connection: S3Connection): S3Client {
  return new S3Client({
    region: resolveRegion(connection),
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    forcePathStyle: connection.forcePathStyle ?? connection.endpoint !== undefined,
    ...(connection.credentials ? { credentials: connection.credentials } : {}),
    maxAttempts: connection.maxAttempts ?? 3,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 10_000, requestTimeout: connection.requestTimeoutMs ?? 60_000 },
  });
}

/** `a/b c.html` → `a/b%20c.html`: each segment encoded, slashes kept. */
function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

/**
 * The URL of an object as a browser would fetch it: path-style on a custom endpoint,
 * virtual-hosted on AWS. Public only if the bucket policy says so; a link for people with
 * access (Slack, CI summaries).
 */
export function objectUrl(connection: S3Connection, bucket: string, key: string): string {
  if (connection.endpoint) {
    const base = connection.endpoint.replace(/\/+$/, '');
    const pathStyle = connection.forcePathStyle ?? true;
    if (pathStyle) return `${base}/${bucket}/${encodeKey(key)}`;
    const url = new URL(base);
    return `${url.protocol}//${bucket}.${url.host}/${encodeKey(key)}`;
  }
  return `https://${bucket}.s3.${resolveRegion(connection)}.amazonaws.com/${encodeKey(key)}`;
}

/**
 * The key prefix of a run's uploads, as in the seed: an explicit `prefix`, else `$TFID` (the
 * seed's run id from Terraform), else the run id. No leading or trailing slash.
 */
export function resolveKeyPrefix(options: { prefix?: string; runId: string; env?: NodeJS.ProcessEnv }): string {
  const env = options.env ?? process.env;
  const chosen = options.prefix ?? (env.TFID && env.TFID.length > 0 ? env.TFID : options.runId);
  return chosen.replace(/^\/+|\/+$/g, '');
}
