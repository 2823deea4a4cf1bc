import { z } from 'zod';
import type { JsonObject } from '../protocol/json-value.ts';
import { jsonObject, text } from './field-schemas.ts';

/** `inputs` / `on_always` in the Plan: a data ingester or a check by name, with its kwargs. */
export interface NamedCall {
  method: string;
  kwargs: JsonObject;
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

/** kwargs keys whose string values are paths (the seed's ingesters took `dataset_path`). */
export const PATH_KWARGS = ['directory', 'file', 'path', 'dataset_path'] as const;
