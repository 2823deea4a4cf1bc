import { readFileSync } from 'node:fs';
import { StressError } from '../errors.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { isPlainObject } from '../protocol/struct.ts';
import type { InputContext } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

/** The document schema an endpoint takes, and where it was read. */
export interface EndpointInputSchema {
  endpoint: string;
  schema: JsonObject;
  source: string;
}

/**
 * The input JSON Schema of the step's endpoint (or `endpoint`): from `schemaFile` when given
 * — a document's JSON Schema (`Doc.model_json_schema()`) or a step's `endpoint schemas.json`
 * attachment — else from what the gateway published (gRPC endpoint discovery, HTTP
 * /openapi.json). Jina's WebSocket gateway publishes none: there the file is the way. No
 * schema, or a v1 Flow, is an INPUT error before the phase starts.
 */
export function endpointInputSchema(input: string, context: InputContext, options: { endpoint?: string; schemaFile?: string }): EndpointInputSchema {
  const endpoint = options.endpoint ?? context.endpoint ?? '/index';
  if (context.docarray === 'v1') {
    throw new StressError('INPUT', `input ${input}: the Flow speaks docarray v1, whose documents have no schema of their own`, {
      hint: 'Typed documents are docarray v2; against a v1 Flow use random_texts, random_images or your own input without `map`.',
    });
  }
  if (options.schemaFile !== undefined) {
    const file = resolveInputPath(options.schemaFile, context, input);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new StressError('INPUT', `input ${input}: ${file} is not JSON (${(error as Error).message})`, { hint: 'Give a JSON Schema file.' });
    }
    const attached = isPlainObject(json) && isPlainObject(json.endpoints) ? (json.endpoints as JsonObject)[endpoint] : undefined;
    const schema = attached !== undefined ? (isPlainObject(attached) ? attached.input : undefined) : json;
    if (!isPlainObject(schema) || !isPlainObject(schema.properties)) {
      throw new StressError('INPUT', `input ${input}: ${file} holds no document schema${attached !== undefined ? ` for ${endpoint}` : ''} (an object schema with "properties")`, {
        hint: 'Save `YourDoc.model_json_schema()` as JSON, or the `endpoint schemas.json` a grpc or http step attached.',
      });
    }
    return { endpoint, schema: schema as JsonObject, source: file };
  }
  const schemas = context.endpointSchemas;
  if (!schemas || schemas.status !== 'found') {
    throw new StressError('INPUT', `input ${input}: no input schema for ${endpoint}: ${schemas?.status === 'unavailable' ? schemas.reason : 'the gateway\'s schemas were not read'}`, {
      hint: 'Point kwargs.schema_file at the document\'s JSON Schema (a grpc or http step attaches `endpoint schemas.json`), or load over grpc or http, whose gateways publish it.',
    });
  }
  const schema = schemas.endpoints[endpoint]?.input;
  if (!schema) {
    throw new StressError('INPUT', `input ${input}: the gateway published no input schema for ${endpoint}; it published: ${Object.keys(schemas.endpoints).join(', ') || '(none)'}`, {
      hint: 'Set the step\'s `endpoint` (or kwargs.endpoint) to one of those.',
    });
  }
  return { endpoint, schema, source: schemas.source };
}

/** `/ingest (Order)`: the endpoint and its document type, for messages. */
export function describeEndpoint(found: EndpointInputSchema): string {
  return typeof found.schema.title === 'string' ? `${found.endpoint} (${found.schema.title})` : found.endpoint;
}
