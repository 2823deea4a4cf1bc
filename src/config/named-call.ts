import { z } from 'zod';
import type { JsonObject } from '../protocol/json-value.ts';
import { jsonObject, text } from './field-schemas.ts';

/** `inputs` / `on_always` in the Plan: a data ingester or a check by name, with its kwargs. */
export interface NamedCall {
  method: string;
  kwargs: JsonObject;
  /** `inputs` only: the executor's schema fields, each filled from a field of the input's documents. */
  map?: Readonly<Record<string, string>>;
}

/** `inputs` / `on_always`: a registered ingester or check by name, with its kwargs. */
export function namedCall(description: string, methodDescription: string) {
  return z
    .strictObject(
      {
        method: text(methodDescription),
        kwargs: jsonObject('Keyword arguments for it; relative `directory`, `file`, `path`, `dataset_path` resolve like other paths.').default({}),
      },
      { error: 'expected a mapping with `method` (and optional `kwargs`)' },
    )
    .describe(description);
}

/** Fields of an input's documents that `map` can put into a schema field (`tags.<key>` too). */
export const MAP_SOURCES = ['id', 'text', 'blob', 'tensor', 'embedding', 'uri', 'mime_type', 'tags'] as const;

/** `inputs`: a named call plus `map: {<schema field>: <input field>}` (docarray v2 typed documents). */
export function inputCall(description: string, methodDescription: string) {
  const source = z
    .string({ error: `expected an input field: ${MAP_SOURCES.join(', ')} or tags.<key>` })
    .refine((value) => (MAP_SOURCES as readonly string[]).includes(value) || /^tags\.[^.\s]+$/.test(value), {
      error: `expected an input field: ${MAP_SOURCES.join(', ')} or tags.<key>`,
    });
  return z
    .strictObject(
      {
        method: text(methodDescription),
        kwargs: jsonObject('Keyword arguments for it; relative `directory`, `file`, `path`, `dataset_path`, `schema_file` resolve like other paths.').default({}),
        map: z
          .record(z.string(), source)
          .superRefine((map, context) => {
            for (const key of Object.keys(map)) {
              if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) context.addIssue({ code: 'custom', path: [key], message: `the key is not a field name of the executor's document (letters, digits, _) mapped from an input field` });
            }
          })
          .optional()
          .describe('docarray v2: fields of the executor\'s input document, each filled from a field of this input\'s documents, e.g. {text: text} or {tensor: tensor}.'),
      },
      { error: 'expected a mapping with `method` (and optional `kwargs`, `map`)' },
    )
    .describe(description);
}

/** kwargs keys whose string values are paths (the seed's ingesters took `dataset_path`). */
export const PATH_KWARGS = ['directory', 'file', 'path', 'dataset_path', 'schema_file'] as const;
