import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StressError } from '../errors.ts';
import { readInstancesFile } from './instances-file.ts';
import { decodeTemplateText, renderTemplateText, scanTemplate } from './mustache-template.ts';
import type { TemplateView } from './mustache-template.ts';

/** What a step renders its files with. */
export interface TemplateSource {
  environment: Readonly<Record<string, string>>;
  instancesFile?: string;
  /** strict_templates: a {{ VAR }} without a value is an error; otherwise it renders empty, as chevron did for the seed. */
  strict?: boolean;
}

export type TemplateViewResult = { status: 'ok'; view: TemplateView } | { status: 'invalid'; message: string };

/**
 * The step's environment plus instances.yaml's values; as in the seed, instances win (they
 * are the addresses the infrastructure actually got).
 */
export function buildTemplateView(source: TemplateSource): TemplateViewResult {
  if (!source.instancesFile) return { status: 'ok', view: { ...source.environment } };
  const instances = readInstancesFile(source.instancesFile);
  if (instances.status === 'invalid') return instances;
  return { status: 'ok', view: { ...source.environment, ...instances.values } };
}

/**
 * Templates are Flow and executor YAML, a few KB. Anything this big (a model, a dataset) is
 * data and is uploaded as it is, without reading it to look for tags.
 */
export const MAX_TEMPLATE_BYTES = 4 * 1024 * 1024;

export type TemplateFinding =
  | { kind: 'invalid'; message: string; hint: string }
  | { kind: 'unset'; variable: string; line: number; message: string };

/** Template findings of one file (for validation): a broken tag, and each `{{ VAR }}` without a value, by line. */
export function findTemplateProblems(file: string, view: TemplateView): TemplateFinding[] {
  if (statSync(file).size > MAX_TEMPLATE_BYTES) return [];
  const scan = scanTemplate(readFileSync(file), view);
  if (scan.status === 'binary') return [];
  const name = path.basename(file);
  if (scan.status === 'invalid') {
    return [{ kind: 'invalid', message: `${name} is not a valid template: ${scan.message}`, hint: 'check its {{ }} tags' }];
  }
  return scan.unresolved.map(({ name: variable, line }) => ({ kind: 'unset', variable, line, message: `${name}:${line} uses {{ ${variable} }}, which has no value` }));
}

/**
 * Renders each file into `outDir` under its own name (the daemon receives them flat, as in
 * the seed) and returns the rendered paths. Originals are never written. Binary files are
 * copied unchanged. A `{{ VAR }}` without a value renders empty (the seed's chevron did; its
 * configs rely on it), or with `strict` is an error naming file, line and variable.
 */
export async function renderTemplateFiles(files: readonly string[], source: TemplateSource, outDir: string): Promise<string[]> {
  const view = buildTemplateView(source);
  if (view.status === 'invalid') throw new StressError('TEMPLATE', view.message, { hint: 'fix instances.yaml' });
  const sources = await Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })));
  const missing: string[] = [];
  for (const { file, bytes } of sources) {
    if (bytes.byteLength > MAX_TEMPLATE_BYTES) continue;
    const scan = scanTemplate(bytes, view.view);
    if (scan.status === 'invalid') missing.push(`${file}: ${scan.message}`);
    if (scan.status === 'text' && source.strict) missing.push(...scan.unresolved.map((u) => `${file}:${u.line}: {{ ${u.name} }} has no value`));
  }
  if (missing.length > 0) {
    throw new StressError('TEMPLATE', `cannot render templates:\n  ${missing.join('\n  ')}`, {
      hint: "give every {{ VAR }} a value in the step's environment or instances.yaml",
      details: { problems: missing },
    });
  }
  await mkdir(outDir, { recursive: true });
  return Promise.all(
    sources.map(async ({ file, bytes }) => {
      const text = bytes.byteLength > MAX_TEMPLATE_BYTES ? undefined : decodeTemplateText(bytes);
      const target = path.join(outDir, path.basename(file));
      await writeFile(target, text === undefined ? bytes : renderTemplateText(text, view.view));
      return target;
    }),
  );
}

export function renderWorkspaceFiles(params: TemplateSource & { files: readonly string[] }, outDir: string): Promise<string[]> {
  return renderTemplateFiles(params.files, params, outDir);
}

export async function renderFlowFile(params: TemplateSource & { file: string }, outDir: string): Promise<string> {
  const [rendered] = await renderTemplateFiles([params.file], params, outDir);
  return rendered as string;
}
