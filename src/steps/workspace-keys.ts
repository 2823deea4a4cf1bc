import path from 'node:path';
import { z } from 'zod';
import { existingPath } from '../config/config-paths.ts';
import type { PathContext } from '../config/config-paths.ts';
import { environment } from '../config/field-schemas.ts';
import { findDefaultInstancesFile } from '../config/instances-file.ts';
import type { StepProblemReport } from '../config/step-schema-definition.ts';
import { buildTemplateView, findTemplateProblems } from '../config/template-rendering.ts';

/** The params of create_workspace and update_workspace. */
export interface WorkspaceStepParams {
  /** Absolute paths of the files to upload (after resolution). */
  files: string[];
  environment: Record<string, string>;
  /** Absolute path of instances.yaml, when given or found next to the config. */
  instancesFile?: string;
}

/** Keys shared by create_workspace and update_workspace. */
export function workspaceKeys(context: PathContext, options: { requireFiles: boolean }) {
  const file = existingPath(context, 'file', 'A file to upload (Flow/executor YAML, Python module), rendered with {{ VAR }} first.');
  const files = z.array(file, { error: 'expected a list of file paths' });
  return {
    files: options.requireFiles
      ? files.min(1, { error: 'expected at least one file' }).describe('Files to upload to the workspace.')
      : files.default([]).describe('Files to upload to the workspace.'),
    environment: environment('Values for {{ VAR }} in the uploaded files.').default({}),
    instances: existingPath(context, 'file', 'instances.yaml with `instances: {NAME_HOST: ip}` for the templates (default: instances.yaml next to the config, if any).').optional(),
  };
}

type WorkspaceInput = { files: string[]; environment: Record<string, string>; instances?: string };

/** Statically checks what the upload will need: distinct names, a value for every {{ VAR }}. */
export function toWorkspaceParams(input: WorkspaceInput, report: StepProblemReport, context: PathContext): WorkspaceStepParams {
  const instancesFile = input.instances ?? findDefaultInstancesFile(context);
  const seen = new Map<string, number>();
  input.files.forEach((file, index) => {
    const name = path.basename(file);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else report(['files', index], `two files named ${JSON.stringify(name)} (also files[${first}])`, 'uploaded files land in one folder by name; rename one of them');
  });
  checkTemplates(input.files.map((file, index) => ({ file, at: ['files', index] })), input.environment, instancesFile, report);
  return { files: input.files, environment: input.environment, ...(instancesFile ? { instancesFile } : {}) };
}

export function checkTemplates(
  files: Array<{ file: string; at: Array<string | number> }>,
  env: Record<string, string>,
  instancesFile: string | undefined,
  report: StepProblemReport,
): void {
  const view = buildTemplateView({ environment: env, instancesFile });
  if (view.status === 'invalid') {
    report(['instances'], view.message, 'instances.yaml holds `instances:` with NAME: value pairs');
    return;
  }
  for (const { file, at } of files) {
    for (const problem of findTemplateProblems(file, view.view)) report(at, problem.message, problem.hint);
  }
}
