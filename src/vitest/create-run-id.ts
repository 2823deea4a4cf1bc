/** `$TFID` (the seed's S3 prefix) or a sortable timestamp id. */
export function createRunId(now = new Date()): string {
  const fromEnv = process.env.TFID?.trim();
  if (fromEnv) return fromEnv;
  return `run-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
}
