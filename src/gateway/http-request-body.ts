import { documentToJson } from '../protocol/document-json.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
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
 * The body is joined from its parts' JSON (the documents' pre-serialised when the load engine
 * gives `jsonDocs`): the same text `JSON.stringify` of the whole object writes, key for key.
 */
export function httpPost(request: PostRequest, requestId: string, docarray: DocarrayVersion): HttpPost {
  const data = `[${(request.jsonDocs ?? request.docs.map((doc) => JSON.stringify(documentToJson(doc, docarray)))).join(',')}]`;
  const parameters = JSON.stringify(requestParameters(request));
  const targetExecutor = request.targetExecutor === undefined ? undefined : JSON.stringify(request.targetExecutor);
  if (docarray === 'v1') {
    const tail = targetExecutor === undefined ? '}' : `,"targetExecutor":${targetExecutor}}`;
    return { path: '/post', body: `{"execEndpoint":${JSON.stringify(request.endpoint)},"data":${data},"parameters":${parameters}${tail}` };
  }
  const header = `{"request_id":${JSON.stringify(requestId)}${targetExecutor === undefined ? '' : `,"target_executor":${targetExecutor}`}}`;
  const path = request.endpoint.startsWith('/') ? request.endpoint : `/${request.endpoint}`;
  return { path, body: `{"data":${data},"parameters":${parameters},"header":${header}}` };
}
