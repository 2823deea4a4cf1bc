import { basename, join } from 'node:path';
import { renderWorkspaceFiles } from '../config/render-workspace-files';
import type { UploadFile } from '../daemon/daemon-api';
import type { JobContext } from './job-context';

/**
 * Renders `{{ VAR }}` in the files (into copies under reports/rendered, originals untouched)
 * and names them for upload the way the seed did: by their base name.
 */
export async function prepareUploads(
  job: JobContext,
  stepName: string,
  files: readonly string[],
  environment: Record<string, string>,
  instancesFile: string | undefined,
): Promise<UploadFile[]> {
  const outDir = join(job.run.reportsDir, 'rendered', job.run.runId, safeSegment(job.job.name), safeSegment(stepName));
  const rendered = await renderWorkspaceFiles({ files: [...files], environment, ...(instancesFile ? { instancesFile } : {}) }, outDir);
  return rendered.map((path) => ({ path, name: basename(path) }));
}

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
