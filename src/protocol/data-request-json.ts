import { STATUS_ERROR, STATUS_SUCCESS, type DataRequest, type RequestHeader, type Route, type Status } from './data-request.ts';
import type { DocarrayVersion } from './document.ts';
import { documentFromJson, documentToJson, notJson, type JsonStyle } from './document-json.ts';
import type { JsonObject } from './json-value.ts';
import { isPlainObject } from './struct.ts';
import { formatRfc3339, parseRfc3339 } from './timestamp.ts';

export type { JsonStyle } from './document-json.ts';

/**
 * A DataRequest as a Jina gateway writes it in JSON (see JsonStyle): the HTTP response body
 * (docarray v1: the JinaResponseModel, every key present, `null` when unset; docarray v2: only
 * `data`, `parameters` and a snake_case `header`, no routes), or a WebSocket JSON-mode frame
 * (protobuf's MessageToDict: snake_case, defaults left out, `Z` timestamps).
 */
export function dataRequestToJson(request: DataRequest, docarray: DocarrayVersion, style: JsonStyle): JsonObject {
  const data = request.docs.map((doc) => documentToJson(doc, docarray, 'full'));
  if (style === 'websocket') return messageToDict(request, data);
  const { header } = request;
  if (docarray === 'v2') {
    return { data, parameters: request.parameters, header: { request_id: header.requestId, target_executor: header.targetExecutor ?? '' } };
  }
  const routes = request.routes.map(
    (route): JsonObject => ({
      executor: route.executor,
      startTime: route.startUs === undefined ? null : formatRfc3339(route.startUs, '+00:00'),
      endTime: route.endUs === undefined ? null : formatRfc3339(route.endUs, '+00:00'),
      status: route.status ? statusToJson(route.status) : null,
    }),
  );
  return {
    header: {
      requestId: header.requestId,
      status: header.status ? statusToJson(header.status) : null,
      execEndpoint: header.execEndpoint ?? '',
      targetExecutor: header.targetExecutor ?? '',
    },
    parameters: request.parameters,
    routes,
    data,
  };
}

function messageToDict(request: DataRequest, data: JsonObject[]): JsonObject {
  const header: JsonObject = { request_id: request.header.requestId };
  if (request.header.status) header.status = statusToProtobufJson(request.header.status);
  if (request.header.execEndpoint !== undefined) header.exec_endpoint = request.header.execEndpoint;
  if (request.header.targetExecutor !== undefined) header.target_executor = request.header.targetExecutor;
  if (request.header.timeout !== undefined) header.timeout = request.header.timeout;
  const routes = request.routes.map((route): JsonObject => {
    const json: JsonObject = { executor: route.executor };
    if (route.startUs !== undefined) json.start_time = formatRfc3339(route.startUs, 'Z');
    if (route.endUs !== undefined) json.end_time = formatRfc3339(route.endUs, 'Z');
    if (route.status) json.status = statusToProtobufJson(route.status);
    return json;
  });
  return { header, parameters: request.parameters, routes, data };
}

/**
 * A DataRequest from JSON of either style (camelCase or snake_case keys, `Z` or `+00:00`
 * timestamps, status codes as ints or `"SUCCESS"`/`"ERROR"`); `data` may be a list of
 * documents or `{docs: [...]}`, as the gateways accept both. Missing parts become empty.
 * `skipDocs` (the HTTP client when no check reads the documents, as DecodeOptions.skipDocs for
 * protobuf): `docs` is left empty, the documents' JSON is not converted or validated.
 */
export function dataRequestFromJson(json: unknown, docarray: DocarrayVersion, options?: { skipDocs?: boolean }): DataRequest {
  if (!isPlainObject(json)) throw notJson('request', 'a JSON object', json);
  const parameters = json.parameters ?? {};
  if (!isPlainObject(parameters)) throw notJson('parameters', 'an object', parameters);
  const routes = json.routes ?? [];
  if (!Array.isArray(routes)) throw notJson('routes', 'a list', routes);
  return {
    header: headerFromJson(json.header ?? {}),
    parameters: parameters as JsonObject,
    routes: routesFromJson(routes),
    docs: options?.skipDocs ? [] : docsFromJson(json.data).map((doc, i) => documentFromJson(doc, docarray, `data[${i}]`)),
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
  // camelCase (HTTP v1) or snake_case (v2, WebSocket JSON). Plain property reads, no closure:
  // a named closure per answer showed in the HTTP generator's profile.
  const header: RequestHeader = { requestId: String(json.requestId ?? json.request_id ?? '') };
  if (json.status != null) header.status = statusFromJson(json.status, 'header.status');
  const execEndpoint = json.execEndpoint ?? json.exec_endpoint;
  if (typeof execEndpoint === 'string') header.execEndpoint = execEndpoint;
  const targetExecutor = json.targetExecutor ?? json.target_executor;
  if (typeof targetExecutor === 'string') header.targetExecutor = targetExecutor;
  if (typeof json.timeout === 'number') header.timeout = json.timeout;
  return header;
}

/**
 * StatusProto as the HTTP gateways write it (`GET /dry_run`, HTTP v1 headers and routes):
 * `{code, description, exception}` with `exception: null` when there is none.
 */
export function statusToJson(status: Status): JsonObject {
  return { code: status.code, description: status.description, exception: status.exception ? { ...status.exception } : null };
}

/**
 * StatusProto through protobuf's MessageToDict (WebSocket JSON frames): fields at their
 * default are left out, so SUCCESS without a description is `{}`.
 */
export function statusToProtobufJson(status: Status): JsonObject {
  const json: JsonObject = {};
  if (status.code !== STATUS_SUCCESS) json.code = status.code;
  if (status.description) json.description = status.description;
  const exception = status.exception;
  if (exception) {
    const fields: JsonObject = {};
    if (exception.name) fields.name = exception.name;
    if (exception.args.length > 0) fields.args = exception.args;
    if (exception.stacks.length > 0) fields.stacks = exception.stacks;
    if (exception.executor) fields.executor = exception.executor;
    json.exception = fields;
  }
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

function routesFromJson(json: readonly unknown[]): Route[] {
  const routes: Route[] = [];
  for (let i = 0; i < json.length; i++) routes.push(routeFromJson(json[i], i));
  return routes;
}

/** One route; its path (`routes[i]`) is built only for an error. */
function routeFromJson(json: unknown, index: number): Route {
  if (!isPlainObject(json)) throw notJson(`routes[${index}]`, 'a route object', json);
  const route: Route = { executor: String(json.executor ?? json.pod ?? '') };
  const start = json.startTime ?? json.start_time;
  const end = json.endTime ?? json.end_time;
  if (typeof start === 'string') route.startUs = parseRfc3339(start);
  if (typeof end === 'string') route.endUs = parseRfc3339(end);
  if (json.status != null) route.status = statusFromJson(json.status, `routes[${index}].status`);
  return route;
}

