import { StressError } from '../../errors.ts';
import type { DataRequest } from '../../protocol/data-request.ts';
import { docsFromJson } from '../../protocol/data-request-json.ts';
import type { DocarrayVersion, JinaDocument } from '../../protocol/document.ts';
import { documentFromJson, notJson } from '../../protocol/document-json.ts';
import type { JsonObject, JsonValue } from '../../protocol/json-value.ts';
import { isPlainObject } from '../../protocol/struct.ts';

export interface JsonRequestDefaults {
  docarray: DocarrayVersion;
  /** Used when the body names no endpoint (HTTP `/index`, v2 `/<endpoint>`): the path's. */
  execEndpoint: string;
  /** The gateway's own id for the request, used unless a v2 body brings one. */
  requestId: string;
}

/** A body FastAPI would refuse with 422; `detail` is its list of `{type, loc, msg}`. */
export class RequestBodyError extends StressError {
  constructor(readonly detail: JsonObject[]) {
    super('PROTOCOL_DECODE', detail.map((item) => `${String(item.msg)}: ${(item.loc as string[]).join('.')}`).join('; '));
  }
}

/**
 * A DataRequest from the JSON bodies Jina 3.34's gateways accept
 * (docs/jina-protocols-verified.md §3-4):
 * - docarray v1 (HTTP `/post` and CRUD, WebSocket JSON frames): `{execEndpoint, data,
 *   parameters, targetExecutor}`, camelCase or snake_case; `data` a list or `{docs: [...]}`;
 *   the gateway always makes its own request id.
 * - docarray v2 (HTTP `/<endpoint>`): `{data, parameters?, header?: {request_id,
 *   target_executor?}}`. `data` is required (a list or one document); a `header` without a
 *   snake_case `request_id` is refused; the id is the header's, else the single document's,
 *   else the gateway's.
 */
export function dataRequestFromJsonBody(body: unknown, defaults: JsonRequestDefaults): DataRequest {
  if (!isPlainObject(body)) throw notJson('body', 'a JSON object', body);
  const parameters = body.parameters ?? {};
  if (!isPlainObject(parameters)) throw notJson('parameters', 'an object', parameters);
  return defaults.docarray === 'v1' ? v1Request(body, parameters as JsonObject, defaults) : v2Request(body, parameters as JsonObject, defaults);
}

function v1Request(body: Record<string, unknown>, parameters: JsonObject, defaults: JsonRequestDefaults): DataRequest {
  const execEndpoint = body.execEndpoint ?? body.exec_endpoint;
  const targetExecutor = body.targetExecutor ?? body.target_executor;
  const request: DataRequest = {
    header: { requestId: defaults.requestId, execEndpoint: typeof execEndpoint === 'string' ? execEndpoint : defaults.execEndpoint },
    parameters,
    routes: [],
    docs: docsFromJson(body.data).map((doc, i) => withPydanticV1Tags(documentFromJson(doc, 'v1', `data[${i}]`))),
  };
  if (typeof targetExecutor === 'string') request.header.targetExecutor = targetExecutor;
  return request;
}

/**
 * Jina's v1 request models type tag values as a union that tries `bool` first, so pydantic 1
 * reads the numbers 0 and 1 (top-level tag values) as false and true when a JSON request is
 * parsed: executors see booleans, and so does every later answer about those documents
 * (verified §1.13: HTTP and WebSocket JSON; gRPC and WebSocket bytes keep numbers).
 */
function withPydanticV1Tags(doc: JinaDocument): JinaDocument {
  if (doc.tags) {
    const tags: JsonObject = {};
    for (const [key, value] of Object.entries(doc.tags)) tags[key] = value === 0 ? false : value === 1 ? true : value;
    doc.tags = tags;
  }
  if (doc.chunks) doc.chunks = doc.chunks.map(withPydanticV1Tags);
  if (doc.matches) doc.matches = doc.matches.map(withPydanticV1Tags);
  return doc;
}

function v2Request(body: Record<string, unknown>, parameters: JsonObject, defaults: JsonRequestDefaults): DataRequest {
  const missing: JsonObject[] = [];
  if (body.data == null) missing.push(fieldRequired(['body', 'data'], body));
  const header = body.header;
  if (header != null && !(isPlainObject(header) && typeof header.request_id === 'string')) {
    missing.push(fieldRequired(['body', 'header', 'request_id'], header));
  }
  if (missing.length > 0) throw new RequestBodyError(missing);
  const isSingle = isPlainObject(body.data) && !Array.isArray((body.data as Record<string, unknown>).docs);
  const docs = docsFromJson(body.data).map((doc, i) => documentFromJson(doc, 'v2', `data[${i}]`));
  const headerFields = isPlainObject(header) ? header : {};
  const singleId = isSingle && docs[0]?.id ? docs[0].id : undefined;
  const request: DataRequest = {
    header: {
      requestId: typeof headerFields.request_id === 'string' ? headerFields.request_id : (singleId ?? defaults.requestId),
      execEndpoint: defaults.execEndpoint,
    },
    parameters,
    routes: [],
    docs,
  };
  if (typeof headerFields.target_executor === 'string') request.header.targetExecutor = headerFields.target_executor;
  return request;
}

function fieldRequired(loc: string[], input: unknown): JsonObject {
  return { type: 'missing', loc, msg: 'Field required', input: (input ?? null) as JsonValue };
}
