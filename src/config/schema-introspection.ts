import type { z } from 'zod';
import { valueAtPath } from './yaml-path.ts';

type AnySchema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: AnySchema;
  in?: AnySchema;
  out?: AnySchema;
  shape?: Record<string, AnySchema>;
  element?: AnySchema;
  valueType?: AnySchema;
  options?: AnySchema[];
  discriminator?: string;
  values?: unknown[];
  getter?: () => AnySchema;
}

const defOf = (schema: AnySchema) => schema._zod.def as unknown as Def;

/** Wrappers that do not change which keys a value has. */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

/** The description nearest the surface, through wrappers and pipes. */
export function descriptionOf(schema: AnySchema | undefined): string | undefined {
  for (let current = schema; current; ) {
    const description = (current as { description?: string }).description;
    if (description) return description;
    const def = defOf(current);
    current = WRAPPERS.has(def.type) ? def.innerType : def.type === 'pipe' ? def.in : undefined;
  }
  return undefined;
}

/** The object/array/record schema under wrappers and transforms. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = defOf(def.in).type === 'transform' && def.out ? def.out : def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else return current;
  }
}

/** For a discriminated union, the option the data selects (by its discriminator value). */
function chooseOption(def: Def, data: unknown): AnySchema | undefined {
  if (!def.options || !def.discriminator) return undefined;
  const tag = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[def.discriminator] : undefined;
  return def.options.find((option) => {
    const literal = unwrap(option);
    const field = defOf(literal).shape?.[def.discriminator as string];
    return field !== undefined && (defOf(unwrap(field)).values ?? []).includes(tag);
  });
}

/**
 * The schema that validates the value at `path` of `data`, walking objects, records, arrays
 * and discriminated unions (which option, the data says). Used for "did you mean" (an
 * object's known keys) and for hints (a field's description).
 */
export function schemaAt(root: AnySchema, path: readonly PropertyKey[], data: unknown): AnySchema | undefined {
  let current: AnySchema | undefined = root;
  for (let depth = 0; current; depth++) {
    let node = unwrap(current);
    const def = defOf(node);
    if (def.type === 'union' && def.discriminator) {
      const chosen = chooseOption(def, valueAtPath(data, path.slice(0, depth)));
      if (depth === path.length) return chosen ?? current;
      if (!chosen) return undefined;
      node = unwrap(chosen);
    }
    if (depth === path.length) return current;
    const segment = path[depth];
    const inner = defOf(node);
    if (inner.type === 'object') current = inner.shape?.[String(segment)];
    else if (inner.type === 'record') current = inner.valueType;
    else if (inner.type === 'array') current = inner.element;
    else return undefined;
  }
  return undefined;
}

/** The keys an object schema accepts, or undefined when the schema is not an object. */
export function knownKeysOf(schema: AnySchema | undefined): string[] | undefined {
  if (!schema) return undefined;
  const node = unwrap(schema);
  if (defOf(node).type === 'union') return undefined;
  const shape = defOf(node).shape;
  return shape ? Object.keys(shape) : undefined;
}
