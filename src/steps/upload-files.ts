import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decodeTemplateText } from '../config/mustache-template.ts';
import { MAX_TEMPLATE_BYTES, renderFlowFile, renderWorkspaceFiles, type TemplateSource } from '../config/template-rendering.ts';
import type { UploadFile } from '../daemon/daemon-api.ts';
import { redactSecrets } from '../report/redact-secrets.ts';
import { StressError } from '../errors.ts';
import { uploadToHostAgents } from './host-agents.ts';
import type { JobContext } from './job-context.ts';
import type { StepContext } from './step-context.ts';

/**
 * Two copies of each rendered file. The daemon needs the real values, so what is uploaded is
 * rendered into a private folder of this process (0700, removed when it exits), never under
 * reports/ (which upload_to_s3 ships). For people, a copy with every known secret masked goes
 * to reports/rendered/<run>/<job>/<step>: inspectable, originals untouched.
 */
function maskedDir(job: JobContext, stepName: string): string {
  return join(job.run.reportsDir, 'rendered', job.run.runId, safeSegment(job.job.name), safeSegment(stepName));
}

let privateRoot: string | undefined;

function privateDir(job: JobContext, stepName: string): string {
  if (!privateRoot) {
    const root = mkdtempSync(join(tmpdir(), 'jina-stress-uploads-'));
    privateRoot = root;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return join(privateRoot, safeSegment(job.job.name), safeSegment(stepName));
}

/** Workspace files after `{{ VAR }}` rendering, named for upload by their base name (the seed's way). */
export async function prepareWorkspaceUploads(
  job: JobContext,
  stepName: string,
  params: TemplateSource & { files: readonly string[]; strictTemplates?: boolean },
): Promise<UploadFile[]> {
  const rendered = await renderWorkspaceFiles({ ...params, strict: params.strictTemplates === true }, privateDir(job, stepName));
  await writeMaskedCopies(rendered, maskedDir(job, stepName), job.run.knownSecrets);
  return rendered.map((path) => ({ path, name: basename(path) }));
}

export async function prepareFlowUpload(job: JobContext, stepName: string, params: TemplateSource & { file: string }): Promise<UploadFile> {
  const path = await renderFlowFile(params, privateDir(job, stepName));
  await writeMaskedCopies([path], maskedDir(job, stepName), job.run.knownSecrets);
  return { path, name: basename(path) };
}

/** Text files only: binaries were uploaded as they are (not rendered), so there is nothing to inspect. */
async function writeMaskedCopies(paths: readonly string[], outDir: string, secrets: readonly string[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  for (const path of paths) {
    if ((await stat(path)).size > MAX_TEMPLATE_BYTES) continue;
    const text = decodeTemplateText(await readFile(path));
    if (text !== undefined) await writeFile(join(outDir, basename(path)), redactSecrets(text, secrets));
  }
}

function safeSegment(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/**
 * The same files, under the same workspace id, on the agent of every other host the job's
 * Flows place executors on (issue 13). Every host is tried; one that could not be reached
 * fails the step, naming its address.
 */
export async function uploadToEveryHost(context: StepContext, files: UploadFile[], workspaceId: string): Promise<void> {
  const agents = context.job.hostAgents;
  if (agents.length === 0) return;
  const failures = await uploadToHostAgents(agents, files, workspaceId);
  const reached = agents.filter((agent) => agent.workspaceId === workspaceId).map((agent) => agent.label);
  if (reached.length > 0) context.log(`workspace ${workspaceId} uploaded to ${reached.join(', ')} too`);
  if (failures.length > 0) {
    throw new StressError('DAEMON_UNREACHABLE', `workspace ${workspaceId} could not be uploaded to ${failures.length} host(s):\n  ${failures.join('\n  ')}`, {
      hint: 'each host of the job needs its agent running and reachable (jina-stress agent --host <address>), with the job\'s token',
    });
  }
}
