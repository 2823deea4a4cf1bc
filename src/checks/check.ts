import type { EndpointSchemas } from '../protocol/endpoint-schema.ts';
import type { DataRequest } from '../protocol/data-request.ts';
import type { JinaDocument } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';

/** One thing wrong with one response. The step turns a count of these into an assertion. */
export interface Violation {
  requestId: string;
  message: string;
}

export interface CheckInput {
  method: 'index' | 'query';
  endpoint: string;
  topK?: number;
  /** What was sent (ids, tags) to compare against what came back. */
  sent: JinaDocument[];
  response: DataRequest;
}

/** A validator (the seed's `on_always`): pure, fast, called for every successful response. */
export type Check = (input: CheckInput) => Violation[];

export interface CheckContext {
  baseDir: string;
  helpersDir: string;
  /** The endpoints' document schemas the gateway published (docarray v2), read once per load step. */
  endpointSchemas?: EndpointSchemas;
}

export type CheckFactory = (kwargs: JsonObject, context: CheckContext) => Promise<Check>;
