import { z } from 'zod';
import { closestMatch } from '../config/did-you-mean.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import { documentFieldValues, NdArrayValue, type FieldValue } from '../protocol/document-fields.ts';
import { isPlainObject } from '../protocol/struct.ts';
import type { Check, CheckContext, Violation } from './check.ts';
import { parseFieldPath, resolvePath, type PathStep } from './field-path.ts';

/**
 * What `expect` can say about the value(s) at a path. `equals_request: true` compares with
 * the same path in the document sent at the same position (`id` → the sent id).
 */
const operators = {
  min_length: z.number().int().min(0),
  max_length: z.number().int().min(0),
  between: z.tuple([z.number(), z.number()]).refine(([low, high]) => low <= high, 'low ≤ high'),
  equals: z.unknown(),
  equals_request: z.literal(true),
  non_empty: z.literal(true),
} satisfies Record<string, z.ZodType>;
type OperatorName = keyof typeof operators;
const operatorNames = Object.keys(operators) as OperatorName[];
const operatorUse: Record<OperatorName, string> = {
  min_length: 'an integer ≥ 0',
  max_length: 'an integer ≥ 0',
  between: '[low, high] numbers',
  equals: 'any value',
  equals_request: 'true',
  non_empty: 'true',
};

export interface FieldRule {
  path: string;
  steps: PathStep[];
  operator: OperatorName;
  argument: unknown;
}

/** Why `fields` is not valid (path syntax, unknown operator, bad argument), or undefined. */
export function fieldRulesProblem(fields: unknown): string | undefined {
  if (!isPlainObject(fields) || Object.keys(fields).length === 0) return 'a map of field paths to operators';
  for (const [path, ops] of Object.entries(fields)) {
    const steps = parseFieldPath(path);
    if (typeof steps === 'string') return `a map of field paths to operators — path "${path}": ${steps}`;
    if (!isPlainObject(ops) || Object.keys(ops).length === 0) return `a map of field paths to operators — "${path}" needs operators (${operatorNames.join(', ')})`;
    for (const [name, argument] of Object.entries(ops)) {
      if (!Object.hasOwn(operators, name)) {
        const near = closestMatch(name, operatorNames);
        return `a map of field paths to operators — "${path}": unknown operator "${name}"${near ? ` (did you mean "${near}"?)` : ''}; operators: ${operatorNames.join(', ')}`;
      }
      if (!operators[name as OperatorName].safeParse(argument).success) {
        return `a map of field paths to operators — "${path}": ${name} takes ${operatorUse[name as OperatorName]}`;
      }
    }
  }
  return undefined;
}

export function fieldRules(fields: Record<string, Record<string, unknown>>): FieldRule[] {
  return Object.entries(fields).flatMap(([path, ops]) =>
    Object.entries(ops).map(([operator, argument]) => ({ path, steps: parseFieldPath(path) as PathStep[], operator: operator as OperatorName, argument })),
  );
}

const fieldsKwarg = z.custom<Record<string, Record<string, unknown>>>((value) => fieldRulesProblem(value) === undefined, {
  error: (issue) => fieldRulesProblem(issue.input) ?? 'a map of field paths to operators',
});

const EXAMPLES = 3;

/**
 * `expect`: declarative checks on any field of every returned document (docarray v2 typed
 * fields included), e.g. `fields: {hits: {min_length: 1}, 'hits[*].score': {between: [-1, 1]},
 * id: {equals_request: true}}`. One violation per rule per response, naming the path, the
 * value found, and the document; the request id rides on the violation.
 */
export const expectFields = withKwargs(
  kwargsSchema({ kind: 'check', name: 'expect' }, { fields: fieldsKwarg }),
  async ({ fields }, _context: CheckContext): Promise<Check> => {
    const rules = fieldRules(fields);
    return ({ response, sent }) => {
      const requestId = response.header.requestId;
      const violations: Violation[] = [];
      const failures = new Map<FieldRule, string[]>();
      response.docs.forEach((doc, position) => {
        let values;
        try {
          values = documentFieldValues(doc);
        } catch (error) {
          violations.push({ requestId, message: `document ${doc.id}: ${(error as Error).message}` });
          return;
        }
        const sentFields = sent[position] ? documentFieldValues(sent[position]) : undefined;
        for (const rule of rules) {
          for (const hit of resolvePath(values, rule.steps)) {
            const failure = judge(rule, hit.value, () => (sentFields ? resolvePath(sentFields, rule.steps).find((other) => other.at === hit.at)?.value : undefined));
            if (failure) {
              const list = failures.get(rule) ?? [];
              list.push(`${hit.at} = ${show(hit.value)} ${failure} (document ${doc.id})`);
              failures.set(rule, list);
            }
          }
        }
      });
      for (const [rule, list] of failures) {
        const shown = list.slice(0, EXAMPLES).join('; ') + (list.length > EXAMPLES ? `; … ${list.length - EXAMPLES} more` : '');
        violations.push({ requestId, message: `expect ${rule.path}: ${rule.operator}: ${shown}` });
      }
      return violations;
    };
  },
);

/** Why `value` fails the rule, or undefined when it passes. */
function judge(rule: FieldRule, value: FieldValue | undefined, requested: () => FieldValue | undefined): string | undefined {
  switch (rule.operator) {
    case 'non_empty':
      return typeof value === 'number' || typeof value === 'boolean' || sizeOf(value) ? undefined : 'is empty';
    case 'min_length': {
      const size = sizeOf(value);
      return size !== undefined && size >= (rule.argument as number) ? undefined : `has length ${size ?? 'none'}, expected at least ${rule.argument}`;
    }
    case 'max_length': {
      const size = sizeOf(value);
      return size !== undefined && size <= (rule.argument as number) ? undefined : `has length ${size ?? 'none'}, expected at most ${rule.argument}`;
    }
    case 'between': {
      const [low, high] = rule.argument as [number, number];
      return typeof value === 'number' && value >= low && value <= high ? undefined : `is not a number in [${low}, ${high}]`;
    }
    case 'equals':
      return sameValue(value, rule.argument) ? undefined : `is not ${show(rule.argument)}`;
    case 'equals_request': {
      const expected = requested();
      return expected !== undefined && sameValue(value, expected) ? undefined : `differs from the request's ${show(expected)}`;
    }
  }
}

function sizeOf(value: FieldValue | undefined): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof NdArrayValue) return value.shape[0] ?? 0;
  if (isPlainObject(value)) return Object.keys(value).length;
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
