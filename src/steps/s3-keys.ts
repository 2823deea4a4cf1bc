import { flag, text } from '../config/field-schemas.ts';

/** Where an S3 step's bucket is: the keys every S3 step shares. */
export interface S3Options {
  bucket: string;
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
}

/** The seed's bucket, kept as the default so its configs run unchanged. */
export const DEFAULT_BUCKET = 'e2e-distributed-stress-tests';

/** The keys every S3 step shares. */
export function s3Keys() {
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

/** The SDK connection options an S3 step names (only those it set). */
export function s3ConnectionOf(options: S3Options): { endpoint?: string; region?: string; forcePathStyle?: boolean } {
  return {
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.forcePathStyle !== undefined ? { forcePathStyle: options.forcePathStyle } : {}),
  };
}
