import { flag, text } from '../field-schemas.ts';
import type { S3Options } from '../plan.ts';

/** The seed's bucket, kept as the default so its configs run unchanged. */
export const DEFAULT_BUCKET = 'e2e-distributed-stress-tests';

export function s3Shape() {
  return {
    bucket: text(`S3 bucket (default ${DEFAULT_BUCKET}).`).default(DEFAULT_BUCKET),
    endpoint: text('Endpoint URL of an S3-compatible store (default: AWS).').optional(),
    region: text('AWS region (default: from the standard credential chain).').optional(),
    force_path_style: flag('Address buckets by path (needed by most S3-compatible stores).').optional(),
  };
}

export function toS3Options(input: { bucket: string; endpoint?: string; region?: string; force_path_style?: boolean }): S3Options {
  return { bucket: input.bucket, endpoint: input.endpoint, region: input.region, forcePathStyle: input.force_path_style };
}
