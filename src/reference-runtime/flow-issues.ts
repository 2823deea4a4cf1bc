import { expandFlowVariables, redactSubstitutions } from '../config/flow-yaml-variables.ts';
import { StressError } from '../errors.ts';

/**
 * Problems found while reading a Flow YAML, collected so the user sees every one at once
 * (like the config loader), each as `<yaml path>: <what is wrong>; allowed: <what is>`.
 */
export class FlowIssues {
  readonly messages: string[] = [];
  /** Variables filled in while reading (name → value): their values never appear in a message. */
  readonly substituted = new Map<string, string>();

  constructor(readonly source: string) {}

  add(path: string, message: string): void {
    this.messages.push(`${path}: ${message}`);
  }

  /** Fills `${{ ENV.X }}` (Jina's syntax, see flow-yaml-variables) in a parsed document, reporting unset ones. */
  expand(document: unknown, environment: Readonly<Record<string, string | undefined>>, rootPath = ''): unknown {
    const expansion = expandFlowVariables(
      document,
      environment,
      (path, name) => this.add(path || '(top)', `\${{ ENV.${name} }} is not set in the Flow's environment`),
      rootPath,
    );
    for (const [name, value] of expansion.substituted) this.substituted.set(name, value);
    return expansion.value;
  }

  /** Unknown keys are errors: a typo must not silently change the topology. */
  checkKeys(
    value: Record<string, unknown>,
    path: string,
    allowed: readonly string[],
    ignored: readonly string[] = [],
  ): void {
    for (const key of Object.keys(value)) {
      if (allowed.includes(key) || ignored.includes(key)) continue;
      const near = nearest(key, [...allowed, ...ignored]);
      const suggestion = near ? ` (did you mean "${near}"?)` : '';
      this.add(joinPath(path, key), `unknown key${suggestion}; allowed: ${allowed.join(', ')}`);
    }
  }

  readInteger(value: unknown, path: string, fallback: number, minimum: number): number {
    if (value === undefined || value === null) return fallback;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= minimum) return number;
    this.add(path, `expected an integer ≥ ${minimum}, got ${JSON.stringify(value)}`);
    return fallback;
  }

  readString(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
    this.add(path, `expected a non-empty string, got ${JSON.stringify(value)}`);
    return undefined;
  }

  readStringList(value: unknown, path: string): string[] {
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value) ? value : [value];
    const out: string[] = [];
    list.forEach((item, index) => {
      const text = this.readString(item, Array.isArray(value) ? `${path}[${index}]` : path);
      if (text !== undefined) out.push(text);
    });
    return out;
  }

  readObject(value: unknown, path: string): Record<string, unknown> {
    if (value === undefined || value === null) return {};
    if (isPlainObject(value)) return value;
    this.add(path, `expected a mapping, got ${JSON.stringify(value)}`);
    return {};
  }

  /** Throws one FLOW_YAML error listing every problem, if there was any. */
  throwIfAny(): void {
    if (this.messages.length === 0) return;
    const count = this.messages.length === 1 ? 'a problem' : `${this.messages.length} problems`;
    const problems = this.messages.map((message) => redactSubstitutions(message, this.substituted));
    throw new StressError('FLOW_YAML', `${this.source} has ${count}:\n  ${problems.join('\n  ')}`, {
      hint: 'Fix the Flow YAML; the reference runtime reads Jina 3.x `executors:` and the 1.x `pods:` form.',
      details: { source: this.source, problems },
    });
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function joinPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

function nearest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(key, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
