import { isStressError, StressError } from '../errors.ts';

/**
 * Environment variables in Flow YAML, as Jina 3.34 expands them (jina/jaml `JAML.expand_dict`):
 *
 * - `${{ ENV.NAME }}` (or `env.`): the documented form. Jina matches it with one space inside
 *   the braces and reaches the no-space form `${{ENV.NAME}}` through its internal-reference
 *   path; any spacing is accepted here.
 * - `${NAME}` and `$NAME`: the older form, deprecated but still expanded by Jina (it ends in
 *   `os.path.expandvars`), so Flow files written for Jina 1.x/2.x keep working.
 *
 * Not environment variables, and left as written: `${{ NAME }}` and `${{ CONTEXT.NAME }}`
 * (Jina's context variables, which a Flow started from a file has none of) and internal
 * references such as `${{root.executors[0].name}}`.
 *
 * A value that is one expression and nothing else takes the type its text has (`port:
 * ${{ ENV.PORT }}` becomes a number, `true`/`false` a boolean), as Jina's `parse_arg` does.
 * An unset `${{ ENV.NAME }}` is reported to the caller; an unset `$NAME`/`${NAME}` stays as
 * written, as in Jina.
 */
const variable = /\$\{\{\s*(?:ENV|env)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export type FlowVariableForm = 'env' | 'legacy';

export interface FlowVariable {
  name: string;
  /** `env`: `${{ ENV.NAME }}`; `legacy`: `${NAME}` or `$NAME`. */
  form: FlowVariableForm;
}

export interface Expansion {
  value: unknown;
  /** Variable → value, for every variable that was filled in (to keep the values out of error messages). */
  substituted: Map<string, string>;
}

/** The variable a whole value is written as (`${{ ENV.JINA_PORT }}`, `$JINA_PORT`), if it is one. */
export function wholeVariable(value: unknown): FlowVariable | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const match = new RegExp(`^(?:${variable.source})$`).exec(text);
  if (!match) return undefined;
  return match[1] !== undefined ? { name: match[1], form: 'env' } : { name: (match[2] ?? match[3]) as string, form: 'legacy' };
}

/** Names of every variable written in a YAML text (comments included: it is a superset). */
export function variableNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(variable)) names.add((match[1] ?? match[2] ?? match[3]) as string);
  return names;
}

/**
 * Fills variables in every string of a parsed document from `environment` (and nothing else:
 * never the process environment). `onUnset(path, name)` is called for each unset
 * `${{ ENV.NAME }}`; an unset whole value then becomes undefined so its absence is reported once.
 */
export function expandFlowVariables(
  document: unknown,
  environment: Readonly<Record<string, string | undefined>>,
  onUnset: (path: string, name: string) => void = () => {},
  rootPath = '',
): Expansion {
  const substituted = new Map<string, string>();
  const expand = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') return expandString(value, path);
    if (Array.isArray(value)) return value.map((item, index) => expand(item, `${path}[${index}]`));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = expand(item, path === '' ? key : `${path}.${key}`);
      return out;
    }
    return value;
  };
  const lookup = (name: string, form: FlowVariableForm, path: string): string | undefined => {
    const found = environment[name];
    if (found === undefined) {
      if (form === 'env') onUnset(path, name);
      return undefined;
    }
    substituted.set(name, found);
    return found;
  };
  const expandString = (text: string, path: string): unknown => {
    if (!text.includes('$')) return text;
    const whole = wholeVariable(text);
    if (whole) {
      const found = lookup(whole.name, whole.form, path);
      if (found === undefined) return whole.form === 'env' ? undefined : text;
      return typedScalar(found);
    }
    return text.replace(variable, (match, envName?: string, bracedName?: string, bareName?: string) => {
      const form: FlowVariableForm = envName !== undefined ? 'env' : 'legacy';
      const found = lookup((envName ?? bracedName ?? bareName) as string, form, path);
      return found ?? (form === 'env' ? '' : match);
    });
  };
  return { value: expand(document, rootPath), substituted };
}

/**
 * Replaces every filled-in value in `text` with the variable it came from (`${{ ENV.NAME }}`):
 * a value interpolated into a Flow may be a secret, and an error message must not carry it
 * back to whoever sent the Flow, or into a report. Values of one character are left alone
 * (they are no secret, and replacing them would garble positions such as `executors[1]`);
 * a value is only replaced where it is not part of a longer word.
 */
export function redactSubstitutions(text: string, substituted: ReadonlyMap<string, string>): string {
  const byLength = [...substituted].filter(([, value]) => value.length >= 2).sort((a, b) => b[1].length - a[1].length);
  let out = text;
  for (const [name, value] of byLength) {
    // Messages quote values with JSON.stringify too, which escapes quotes and backslashes.
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) {
      const before = /^\w/.test(form) ? '(?<!\\w)' : '';
      const after = /\w$/.test(form) ? '(?!\\w)' : '';
      out = out.replace(new RegExp(`${before}${escapeRegExp(form)}${after}`, 'g'), () => `\${{ ENV.${name} }}`);
    }
  }
  return out;
}

/** The error with every filled-in value redacted from its message, hint and details (see redactSubstitutions). */
export function redactErrorSubstitutions(error: unknown, substituted: ReadonlyMap<string, string>): unknown {
  if (substituted.size === 0 || !(error instanceof Error)) return error;
  const redact = (text: string) => redactSubstitutions(text, substituted);
  if (!isStressError(error)) return new Error(redact(error.message));
  const details = error.details && (JSON.parse(redact(JSON.stringify(error.details))) as Record<string, unknown>);
  return new StressError(error.code, redact(error.message), {
    ...(error.hint ? { hint: redact(error.hint) } : {}),
    ...(details ? { details } : {}),
  });
}

function typedScalar(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (/^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
