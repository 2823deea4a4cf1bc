import { readFile } from 'node:fs/promises';

/**
 * Reads a Vitest blob report (flatted JSON: strings and objects are entries of one array,
 * referenced by their index as a string) back into its task tree, so a test can read the
 * task meta the generators wrote without going through the merge under test.
 */
export async function readBlob(file: string): Promise<unknown[]> {
  const input = JSON.parse(await readFile(file, 'utf8')) as unknown[];
  const revived = new Set<object>();
  const revive = (value: Record<string, unknown>): void => {
    revived.add(value);
    for (const key of Object.keys(value)) {
      const reference = value[key];
      if (typeof reference !== 'string') continue;
      const target = input[Number(reference)];
      value[key] = target;
      if (target !== null && typeof target === 'object' && !revived.has(target)) revive(target as Record<string, unknown>);
    }
  };
  revive(input[0] as Record<string, unknown>);
  return input[0] as unknown[];
}

/** Every value of `key` anywhere under `root` (task trees nest suites in suites). */
export function findAll(root: unknown, key: string, found: unknown[] = [], seen = new Set<unknown>()): unknown[] {
  if (root === null || typeof root !== 'object' || seen.has(root)) return found;
  seen.add(root);
  for (const [name, value] of Object.entries(root)) {
    if (name === key) found.push(value);
    findAll(value, key, found, seen);
  }
  return found;
}
