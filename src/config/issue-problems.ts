import type { z } from 'zod';
import { closestMatch, suggestionHint } from './did-you-mean.ts';
import type { ProblemList } from './problem-list.ts';
import { descriptionOf, knownKeysOf, schemaAt } from './schema-introspection.ts';
import { isStepBaseKey } from './step-schema.ts';
import { isStepKind, STEP_KINDS, stepSchemaOf } from './step-kinds.ts';
import type { PathContext } from './config-paths.ts';
import { valueAtPath } from './yaml-path.ts';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

/**
 * Messages for zod's own issues, used only where a schema did not set its own (those say
 * what they expect in the config's terms). Passed to safeParse as its error map.
 */
export function configErrorMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${String(issue.values[0])}` : `expected one of ${issue.values.join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array') return `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'expected a non-empty string';
      return `expected a number ${issue.inclusive ? '≥' : '>'} ${issue.minimum}`;
    case 'too_big':
      return `expected a number ${issue.inclusive ? '≤' : '<'} ${issue.maximum}`;
    default:
      return undefined;
  }
}

export interface IssueContext {
  root: z.core.$ZodType;
  /** The data that was validated (after interpolation), to read found values from. */
  data: unknown;
  pathContext: PathContext;
}

/** Turns zod issues into problems with positions, found values and hints. */
export function addIssueProblems(issues: readonly z.core.$ZodIssue[], context: IssueContext, problems: ProblemList): void {
  // `step:` for `steps:` is one mistake: the unknown key's "did you mean" covers the missing key.
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    const known = knownKeysOf(schemaAt(context.root, issue.path, context.data)) ?? [];
    for (const key of issue.keys) {
      const match = closestMatch(key, known);
      if (match && valueAtPath(context.data, [...issue.path, match]) === undefined) problems.suppress([...issue.path, match]);
    }
  }
  for (const issue of issues) {
    const path = issue.path;
    const found = valueAtPath(context.data, path);
    const customHint = issue.code === 'custom' ? (issue.params?.hint as string | undefined) : undefined;

    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysOf(schemaAt(context.root, path, context.data)) ?? [];
      for (const key of issue.keys) {
        problems.add([...path, key], `unknown key "${key}"`, { role: 'key', hint: unknownKeyHint(key, known, valueAtPath(context.data, path), context) });
      }
    } else if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator === 'method') {
      if (found === undefined) problems.add(path, 'missing required key "method"', { hint: `every step starts with method: one of ${STEP_KINDS.join(', ')}` });
      else problems.add(path, 'unknown step method', { found, hint: suggestionHint(String(found), STEP_KINDS, 'known methods') });
    } else if (issue.code === 'invalid_type' && found === undefined && path.length > 0) {
      const key = String(path.at(-1));
      problems.add(path, `missing required key "${key}"`, { hint: fieldHint(key, context, path) ?? `add ${key}` });
    } else if (issue.code === 'invalid_type' && issue.expected === 'object' && isStepKind(found)) {
      problems.add(path, 'expected a step mapping', { found, hint: `write it as "- method: ${found}"` });
    } else if (issue.code === 'custom') {
      // Custom messages that state an expectation read on with the value; others name it.
      const shown = issue.message.startsWith('expected') ? { found } : {};
      problems.add(path, issue.message, { hint: customHint ?? fieldHint(String(path.at(-1) ?? ''), context, path), ...shown });
    } else {
      const hint =
        issue.code === 'invalid_value' && typeof found === 'string'
          ? valueHint(found, issue.values.map(String))
          : (quotedScalarHint(issue, found) ?? fieldHint(String(path.at(-1) ?? ''), context, path));
      problems.add(path, issue.message, { found, hint });
    }
  }
}

function valueHint(found: string, values: string[]): string | undefined {
  const match = closestMatch(found, values);
  return match ? `did you mean "${match}"?` : undefined;
}

function fieldHint(key: string, context: IssueContext, path: readonly PropertyKey[]): string | undefined {
  const description = descriptionOf(schemaAt(context.root, path, context.data));
  return description && key ? `${key}: ${description}` : description;
}

/** `"100"` where a number is wanted: the quotes made it text. */
function quotedScalarHint(issue: z.core.$ZodIssue, found: unknown): string | undefined {
  if (issue.code !== 'invalid_type' || typeof found !== 'string') return undefined;
  const isNumber = issue.expected === 'number' && /^[-+]?\d+(\.\d+)?$/.test(found.trim());
  const isBoolean = issue.expected === 'boolean' && /^(true|false)$/i.test(found.trim());
  return isNumber || isBoolean ? `write ${found.trim()} without quotes; quoted, YAML reads it as text` : undefined;
}

function unknownKeyHint(key: string, known: string[], parent: unknown, context: IssueContext): string {
  const method = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>).method : undefined;
  const match = closestMatch(key, known);
  if (match) return `did you mean "${match}"?`;
  if (isStepKind(method)) {
    const owners = STEP_KINDS.filter((kind) => kind !== method && Object.hasOwn(stepSchemaOf(kind).schema(context.pathContext), key));
    if (owners.length > 0) return `${key} is a key of ${owners.join(', ')} steps, not ${method}`;
    const own = known.filter((k) => !isStepBaseKey(k));
    return own.length > 0 ? `${method} accepts: ${own.join(', ')} (and method, name, sleep_time)` : `${method} takes no keys besides method, name, sleep_time`;
  }
  const extension = context.data !== null && parent === context.data ? ' (and x-... keys for YAML anchors)' : '';
  return `known keys: ${known.join(', ')}${extension}`;
}
