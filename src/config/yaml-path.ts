/** One step down a YAML tree: a mapping key or a sequence index. */
export type YamlPathSegment = string | number;
export type YamlPath = readonly YamlPathSegment[];

// Keys that read well after a dot; anything else is bracket-quoted so the path stays unambiguous.
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['jobs', 'images', 'steps', 2, 'num_clients']` → `jobs.images.steps[2].num_clients`. */
export function formatYamlPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) text += text === '' ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}

/** The value at `path` inside plain YAML data, or undefined when any step is missing. */
export function valueAtPath(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (typeof segment !== 'number') return undefined;
      current = current[segment];
    } else {
      const key = String(segment);
      if (!Object.hasOwn(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
  }
  return current;
}
