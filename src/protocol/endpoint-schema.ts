import type { JsonObject } from './json-value.ts';

/** One endpoint's document schemas (JSON Schema, self-contained: references point into its own `$defs`). */
export interface EndpointSchema {
  input?: JsonObject;
  output?: JsonObject;
}

/**
 * What the gateway published about its endpoints' documents (docarray v2), as plain JSON so
 * it can reach the load's worker threads and the report. `unavailable` says why not.
 */
export type EndpointSchemas =
  | { status: 'found'; source: string; endpoints: Record<string, EndpointSchema> }
  | { status: 'unavailable'; reason: string };
