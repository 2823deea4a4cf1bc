import { basename, join } from 'node:path';
import type { StartFlowParams, WorkspaceStepParams } from '../config/plan.ts';
import { renderFlowFile, renderWorkspaceFiles } from '../config/template-rendering.ts';
import type { UploadFile } from '../daemon/daemon-api.ts';
import type { JobContext } from './job-context.ts';

/** Rendered copies live under reports/rendered/<run>/<job>/<step>: inspectable, originals untouched. */
function renderDir(job: JobContext, stepName: string): string {
  return join(job.run.reportsDir, 'rendered', job.run.runId, safeSegment(job.job.name), safeSegment(stepName));
}

/** Workspace files after `{{ VAR }}` rendering, named for upload by their base name (the seed's way). */
export async function prepareWorkspaceUploads(job: JobContext, stepName: string, params: WorkspaceStepParams): Promise<UploadFile[]> {
  const rendered = await renderWorkspaceFiles(params, renderDir(job, stepName));
  return rendered.map((path) => ({ path, name: basename(path) }));
}

export async function prepareFlowUpload(job: JobContext, stepName: string, params: StartFlowParams): Promise<UploadFile> {
  const path = await renderFlowFile(params, renderDir(job, stepName));
  return { path, name: basename(path) };
}

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}
