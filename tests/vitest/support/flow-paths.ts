import { resolve } from 'node:path';

const flows = resolve(import.meta.dirname, '../../../fixtures/flows/reference');

/** Absolute path of a reference Flow fixture, for configs written to temporary folders. */
export function referenceFlow(name: string): string {
  return resolve(flows, name);
}
