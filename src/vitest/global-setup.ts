import type { TestProject } from 'vitest/node';
import { importPrepareRun } from './import-prepare-run.ts';

/**
 * Vitest's global setup: prepare-run.ts, whose import the plugin started as soon as Vitest had
 * read the config (import-prepare-run.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { prepareRun } = await importPrepareRun();
  return prepareRun(project);
}
