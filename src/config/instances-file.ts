import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { candidatePaths } from './config-paths.ts';
import type { PathContext } from './config-paths.ts';

export const INSTANCES_FILE_NAME = 'instances.yaml';

export type InstancesRead = { status: 'ok'; values: Record<string, string> } | { status: 'invalid'; message: string };

/**
 * Reads `instances: {X_HOST: ip, X_PORT: 8000}` (written by the infrastructure that started
 * the hosts). Values become strings for templates.
 */
export function readInstancesFile(file: string): InstancesRead {
  let data: unknown;
  try {
    data = load(readFileSync(file, 'utf8'));
  } catch (error) {
    return { status: 'invalid', message: `cannot read ${path.basename(file)}: ${error instanceof Error ? error.message.split('\n')[0] : error}` };
  }
  const instances = data !== null && typeof data === 'object' ? (data as Record<string, unknown>).instances : undefined;
  if (instances === undefined || instances === null) return { status: 'ok', values: {} };
  if (typeof instances !== 'object' || Array.isArray(instances)) {
    return { status: 'invalid', message: `${path.basename(file)}: expected "instances:" to be a mapping of NAME: value` };
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(instances)) {
    if (value !== null && typeof value === 'object') {
      return { status: 'invalid', message: `${path.basename(file)}: instances.${key} must be a scalar, found a ${Array.isArray(value) ? 'list' : 'mapping'}` };
    }
    values[key] = String(value);
  }
  return { status: 'ok', values };
}

/** instances.yaml next to the config, else in the working directory (the seed looked there). */
export function findDefaultInstancesFile(context: PathContext): string | undefined {
  return candidatePaths(INSTANCES_FILE_NAME, context).find((p) => statSync(p, { throwIfNoEntry: false })?.isFile());
}
