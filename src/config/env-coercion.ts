import type { z } from 'zod';
import { formatYamlPath, valueAtPath } from './yaml-path.ts';

const NUMBER = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;

/**
 * Where the schema wanted a number or boolean and found the string a whole `${VAR}` produced,
 * the value as that type (YAML would have typed it so had it been written literally). Returns
 * undefined when nothing changed. Text around a reference keeps a value a string.
 */
export function coerceEnvScalars(data: unknown, issues: readonly z.core.$ZodIssue[], wholeReferences: ReadonlySet<string>): unknown {
  let copy: unknown;
  for (const issue of issues) {
    if (issue.code !== 'invalid_type' || (issue.expected !== 'number' && issue.expected !== 'boolean')) continue;
    if (!wholeReferences.has(formatYamlPath(issue.path))) continue;
    const value = valueAtPath(data, issue.path);
    if (typeof value !== 'string') continue;
    const typed = issue.expected === 'number' ? (NUMBER.test(value.trim()) ? Number(value) : undefined) : BOOLEAN.test(value) ? value.toLowerCase() === 'true' : undefined;
    if (typed === undefined || issue.path.length === 0) continue;
    copy ??= structuredClone(data);
    const parent = valueAtPath(copy, issue.path.slice(0, -1)) as Record<PropertyKey, unknown>;
    parent[issue.path.at(-1) as PropertyKey] = typed;
  }
  return copy;
}
