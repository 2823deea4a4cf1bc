import { documentToJson } from '../protocol/document-json.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import type { PostRequest } from './gateway-client.ts';
import { requestParameters } from './post-request-encoding.ts';

export interface HttpPost {
  path: string;
  body: string;
}

/**
 * The HTTP request for a post (docs/jina-protocols-verified.md §3). docarray v1: `POST /post
 * {execEndpoint, data, parameters, targetExecutor}`. docarray v2 (no `/post`): `POST
 * /<endpoint> {data, parameters, header: {request_id, target_executor}}` — snake_case only
 * (camelCase is a 422) and the gateway keeps the request id. Documents are snake_case.
 */
export function httpPost(request: PostRequest, requestId: string, docarray: DocarrayVersion): HttpPost {
  const data = request.docs.map((doc) => documentToJson(doc, docarray));
  const parameters = requestParameters(request);
  if (docarray === 'v1') {
    const body: JsonObject = { execEndpoint: request.endpoint, data, parameters };
    if (request.targetExecutor !== undefined) body.targetExecutor = request.targetExecutor;
    return { path: '/post', body: JSON.stringify(body) };
  }
  const header: JsonObject = { request_id: requestId };
  if (request.targetExecutor !== undefined) header.target_executor = request.targetExecutor;
  const path = request.endpoint.startsWith('/') ? request.endpoint : `/${request.endpoint}`;
  return { path, body: JSON.stringify({ data, parameters, header }) };
}
