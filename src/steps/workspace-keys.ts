import path from 'node:path';
import { z } from 'zod';
import { existingPath } from '../config/config-paths.ts';
import type { PathContext } from '../config/config-paths.ts';
import { environment } from '../config/field-schemas.ts';
import { findDefaultInstancesFile } from '../config/instances-file.ts';
import type { StepInJob, StepProblemReport } from '../config/step-schema-definition.ts';
import { buildTemplateView, findTemplateProblems } from '../config/template-rendering.ts';

/** The params of create_workspace and update_workspace. */
export interface WorkspaceStepParams {
  /** Absolute paths of the files to upload (after resolution). */
  files: string[];
  environment: Record<string, string>;
  /** Absolute path of instances.yaml, when given or found next to the config. */
  instancesFile?: string;
  /** strict_templates: an unset {{ VAR }} fails the upload instead of rendering empty. */
  strictTemplates?: boolean;
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

/** Statically checks what the upload will need: distinct names (templates are checked in the job, see workspaceInJob). */
export function toWorkspaceParams(input: WorkspaceInput, report: StepProblemReport, context: PathContext): WorkspaceStepParams {
  const instancesFile = input.instances ?? findDefaultInstancesFile(context);
  const seen = new Map<string, number>();
  input.files.forEach((file, index) => {
    const name = path.basename(file);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, index);
    else report(['files', index], `two files named ${JSON.stringify(name)} (also files[${first}])`, 'uploaded files land in one folder by name; rename one of them');
  });
  return { files: input.files, environment: input.environment, ...(instancesFile ? { instancesFile } : {}) };
}

/**
 * The seed's rendering, in the job: a workspace step renders its files with its environment
 * (plus instances.yaml) and the job remembers each rendered copy by file name, for a later
 * start_flow of that file (the latest upload wins).
 */
export function workspaceInJob(kind: string) {
  return (params: WorkspaceStepParams, job: StepInJob): WorkspaceStepParams => {
    const index = job.at.at(-1) as number;
    const files = params.files.map((file, i) => ({ file, at: ['files', i] }));
    checkTemplates(files, params.environment, params.instancesFile, job, { couldSet: [`this step's environment`] });
    for (const file of params.files) {
      job.templates.uploaded.set(path.basename(file), {
        environment: params.environment,
        ...(params.instancesFile ? { instancesFile: params.instancesFile } : {}),
        stepIndex: index,
        kind,
      });
    }
    return { ...params, ...(job.templates.strict ? { strictTemplates: true } : {}) };
  };
}

/**
 * Each {{ VAR }} of the files without a value: empty when rendered, as in the seed, so a
 * warning naming file:line, the variable and the steps that could set it; an error when the
 * config asks for strict_templates.
 */
export function checkTemplates(
  files: Array<{ file: string; at: Array<string | number> }>,
  env: Readonly<Record<string, string>>,
  instancesFile: string | undefined,
  job: StepInJob,
  options: { couldSet: string[] },
): void {
  const view = buildTemplateView({ environment: env, instancesFile });
  if (view.status === 'invalid') {
    job.problems.add([...job.at, 'instances'], view.message, { hint: 'instances.yaml holds `instances:` with NAME: value pairs' });
    return;
  }
  const where = [...options.couldSet, 'instances.yaml'].join(', or ');
  for (const { file, at } of files) {
    for (const finding of findTemplateProblems(file, view.view)) {
      if (finding.kind === 'invalid') {
        job.problems.add([...job.at, ...at], finding.message, { hint: finding.hint });
      } else if (job.templates.strict) {
        job.problems.add([...job.at, ...at], finding.message, {
          hint: `set ${finding.variable} in ${where} (strict_templates is on); Jina's own expressions are written \${{ ... }}`,
        });
      } else {
        job.problems.warn([...job.at, ...at], `${finding.message}: it renders empty`, {
          hint: `set ${finding.variable} in ${where} if it should have one; strict_templates: true makes this an error`,
        });
      }
    }
  }
}
