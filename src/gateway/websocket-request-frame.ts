import { documentToJson } from '../protocol/document-json.ts';
import type { DocarrayVersion } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import type { PostRequest } from './gateway-client.ts';
import { requestParameters } from './post-request-encoding.ts';

/**
 * A WebSocket JSON-mode request frame: the HTTP request keys (`data`, `parameters`,
 * `execEndpoint`, `targetExecutor`). There is no request id: the gateway makes its own.
 */
export function websocketJsonFrame(request: PostRequest, docarray: DocarrayVersion): string {
  const frame: JsonObject = {
    execEndpoint: request.endpoint,
    data: request.docs.map((doc) => documentToJson(doc, docarray)),
    parameters: requestParameters(request),
  };
  if (request.targetExecutor !== undefined) frame.targetExecutor = request.targetExecutor;
  return JSON.stringify(frame);
}

/** `bytes` mode: a single 0x00 byte (Python's `bytes(True)`) ends the input. */
export const websocketBytesEndOfInput = new Uint8Array([0]);
/** `json` mode: an empty object ends the input. */
export const websocketJsonEndOfInput = '{}';
