import { STATUS_ERROR, STATUS_SUCCESS, type DataRequest, type RequestHeader, type Route, type Status } from './data-request';
import type { DocarrayVersion } from './document';
import { documentFromJson, documentToJson, notJson, type JsonStyle } from './document-json';
import type { JsonObject } from './json-value';
import { isPlainObject } from './struct';
import { formatRfc3339, parseRfc3339 } from './timestamp';

export type { JsonStyle } from './document-json';

/**
 * A DataRequest as JSON in the given style (see JsonStyle): the HTTP gateway's response
 * body, or a WebSocket JSON-mode frame.
 */
export function dataRequestToJson(request: DataRequest, docarray: DocarrayVersion, style: JsonStyle): JsonObject {
  const key = style === 'http' ? (camel: string) => camel : toSnake;
  const suffix = style === 'http' ? '+00:00' : 'Z';
  const header: JsonObject = { [key('requestId')]: request.header.requestId };
  if (request.header.status) header.status = statusToJson(request.header.status);
  if (request.header.execEndpoint !== undefined) header[key('execEndpoint')] = request.header.execEndpoint;
  if (request.header.targetExecutor !== undefined) header[key('targetExecutor')] = request.header.targetExecutor;
  if (request.header.timeout !== undefined) header.timeout = request.header.timeout;
  const routes = request.routes.map((route): JsonObject => {
    const json: JsonObject = { executor: route.executor };
    if (route.startUs !== undefined) json[key('startTime')] = formatRfc3339(route.startUs, suffix);
    if (route.endUs !== undefined) json[key('endTime')] = formatRfc3339(route.endUs, suffix);
    if (route.status) json.status = statusToJson(route.status);
    return json;
  });
  return {
    header,
    parameters: request.parameters,
    routes,
    data: request.docs.map((doc) => documentToJson(doc, docarray, style)),
  };
}

/**
 * A DataRequest from JSON of either style (camelCase or snake_case keys, `Z` or `+00:00`
 * timestamps, status codes as ints or `"SUCCESS"`/`"ERROR"`); `data` may be a list of
 * documents or `{docs: [...]}`, as the gateways accept both. Missing parts become empty.
 */
export function dataRequestFromJson(json: unknown, docarray: DocarrayVersion): DataRequest {
  if (!isPlainObject(json)) throw notJson('request', 'a JSON object', json);
  const parameters = json.parameters ?? {};
  if (!isPlainObject(parameters)) throw notJson('parameters', 'an object', parameters);
  const routes = json.routes ?? [];
  if (!Array.isArray(routes)) throw notJson('routes', 'a list', routes);
  return {
    header: headerFromJson(json.header ?? {}),
    parameters: parameters as JsonObject,
    routes: routes.map((route, i) => routeFromJson(route, `routes[${i}]`)),
    docs: docsFromJson(json.data).map((doc, i) => documentFromJson(doc, docarray, `data[${i}]`)),
  };
}

/** `data` as the gateways accept it: a list, `{docs: [...]}`, a single document, or nothing. */
export function docsFromJson(data: unknown): unknown[] {
  if (data == null) return [];
  if (Array.isArray(data)) return data;
  if (isPlainObject(data) && Array.isArray(data.docs)) return data.docs;
  if (isPlainObject(data)) return [data];
  throw notJson('data', 'a list of documents or {docs: [...]}', data);
}

function headerFromJson(json: unknown): RequestHeader {
  if (!isPlainObject(json)) throw notJson('header', 'an object', json);
  const pick = (camel: string): unknown => json[camel] ?? json[toSnake(camel)];
  const header: RequestHeader = { requestId: String(pick('requestId') ?? '') };
  if (json.status != null) header.status = statusFromJson(json.status, 'header.status');
  const execEndpoint = pick('execEndpoint');
  if (typeof execEndpoint === 'string') header.execEndpoint = execEndpoint;
  const targetExecutor = pick('targetExecutor');
  if (typeof targetExecutor === 'string') header.targetExecutor = targetExecutor;
  if (typeof json.timeout === 'number') header.timeout = json.timeout;
  return header;
}

/** StatusProto as JSON: `{code (int), description, exception?}`, as `GET /dry_run` returns it. */
export function statusToJson(status: Status): JsonObject {
  const json: JsonObject = { code: status.code, description: status.description };
  if (status.exception) json.exception = { ...status.exception };
  return json;
}

const statusCodes: Record<string, number> = { SUCCESS: STATUS_SUCCESS, ERROR: STATUS_ERROR };

export function statusFromJson(json: unknown, path = 'status'): Status {
  if (!isPlainObject(json)) throw notJson(path, 'a status object', json);
  const code = typeof json.code === 'string' ? statusCodes[json.code] ?? STATUS_ERROR : Number(json.code ?? STATUS_SUCCESS);
  const status: Status = { code, description: String(json.description ?? '') };
  const exception = json.exception;
  if (isPlainObject(exception)) {
    status.exception = {
      name: String(exception.name ?? ''),
      args: Array.isArray(exception.args) ? exception.args.map(String) : [],
      stacks: Array.isArray(exception.stacks) ? exception.stacks.map(String) : [],
      executor: String(exception.executor ?? ''),
    };
  }
  return status;
}

function routeFromJson(json: unknown, path: string): Route {
  if (!isPlainObject(json)) throw notJson(path, 'a route object', json);
  const route: Route = { executor: String(json.executor ?? json.pod ?? '') };
  const start = json.startTime ?? json.start_time;
  const end = json.endTime ?? json.end_time;
  if (typeof start === 'string') route.startUs = parseRfc3339(start);
  if (typeof end === 'string') route.endUs = parseRfc3339(end);
  if (json.status != null) route.status = statusFromJson(json.status, `${path}.status`);
  return route;
}

function toSnake(camel: string): string {
  return camel.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
