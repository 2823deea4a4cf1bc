import type { DataRequest } from '../../protocol/data-request';
import { docsFromJson } from '../../protocol/data-request-json';
import type { DocarrayVersion } from '../../protocol/document';
import { documentFromJson, notJson } from '../../protocol/document-json';
import type { JsonObject } from '../../protocol/json-value';
import { isPlainObject } from '../../protocol/struct';

export interface JsonRequestDefaults {
  docarray: DocarrayVersion;
  /** Used when the body names no endpoint (HTTP `/index`, v2 `/<endpoint>`): the path's. */
  execEndpoint: string;
  /** The gateway's id for the request, unless a v2 body brings `header.requestId`. */
  requestId: string;
}

/**
 * A DataRequest from the JSON bodies Jina's gateways accept: HTTP `/post`
 * `{execEndpoint, data, parameters, targetExecutor}`, HTTP CRUD and WebSocket JSON frames
 * (same keys, camelCase or snake_case), HTTP v2 `{data, parameters, header: {requestId,
 * targetExecutor}}`. `data` may be a list, `{docs: [...]}` or (v2) a single document.
 */
export function dataRequestFromJsonBody(body: unknown, defaults: JsonRequestDefaults): DataRequest {
  if (!isPlainObject(body)) throw notJson('body', 'a JSON object', body);
  const header = isPlainObject(body.header) ? body.header : {};
  const pick = (camel: string, snake: string): unknown => body[camel] ?? body[snake] ?? header[camel] ?? header[snake];
  const parameters = body.parameters ?? {};
  if (!isPlainObject(parameters)) throw notJson('parameters', 'an object', parameters);
  const requestId = header.requestId ?? header.request_id;
  const execEndpoint = pick('execEndpoint', 'exec_endpoint');
  const targetExecutor = pick('targetExecutor', 'target_executor');
  const request: DataRequest = {
    header: {
      requestId: typeof requestId === 'string' && requestId ? requestId : defaults.requestId,
      execEndpoint: typeof execEndpoint === 'string' ? execEndpoint : defaults.execEndpoint,
    },
    parameters: parameters as JsonObject,
    routes: [],
    docs: docsFromJson(body.data).map((doc, i) => documentFromJson(doc, defaults.docarray, `data[${i}]`)),
  };
  if (typeof targetExecutor === 'string') request.header.targetExecutor = targetExecutor;
  return request;
}
