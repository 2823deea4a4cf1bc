import http from 'node:http';
import { STATUS_ERROR, type DataRequest } from '../../protocol/data-request.ts';
import { dataRequestToJson } from '../../protocol/data-request-json.ts';
import type { DocarrayVersion } from '../../protocol/document.ts';
import { newRequestId } from '../../protocol/request-id.ts';
import { listen, readBody, sendJson, serveControlRoute } from './control-routes.ts';
import { networkErrorResponse } from './error-response.ts';
import { isExecutorUnavailable, type GatewayHandler, type GatewayServer, type GatewayServerOptions } from './gateway-handler.ts';
import { httpDataRoutes, openApiDocument, type DataRoute } from './http-gateway-routes.ts';
import { dataRequestFromJsonBody, RequestBodyError } from './json-request-body.ts';

/**
 * Jina 3.34's HTTP gateway on node:http (no framework: a handful of routes do not need one),
 * answering the way the live one does (docs/jina-protocols-verified.md §1.1-1.4, §3):
 *
 * | | docarray v1 | docarray v2 |
 * |---|---|---|
 * | paths | `/post` + CRUD (`/index`, `/search`, `PUT /update`, `DELETE /delete`) | `POST /<endpoint>` per bound endpoint (incl. `/default`) |
 * | 200 body | JinaResponseModel: camelCase header/routes, `null`s, `+00:00` times | `{data, parameters, header: {request_id, target_executor}}` |
 * | executor raised | 200, ERROR in the header and on the route | 500 `{"detail": description}` |
 * | deployment down | 503, the request echoed with an ERROR header | 500 `text/plain` `Internal Server Error` |
 * | bad body | 422 | 422 (also for a camelCase `header`) |
 */
export async function startHttpGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { handler, docarray } = options;
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    serveHttp(request, response, handler, docarray).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { detail: (error as Error).message });
    });
  });
  // Load generators keep connections open; the default 5 s keep-alive would drop them between bursts.
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, host, options.port);
  return {
    protocol: 'http',
    host,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveHttp(request: http.IncomingMessage, response: http.ServerResponse, handler: GatewayHandler, docarray: DocarrayVersion): Promise<void> {
  if (await serveControlRoute(request, response, handler)) return;
  const path = (request.url ?? '/').split('?')[0];
  // v1 routes are fixed; only v2 asks the Flow (asking is discovering, see GatewayHandler).
  const routes = httpDataRoutes(docarray, docarray === 'v2' ? handler.endpoints() : []);
  if (request.method === 'GET' && path === '/openapi.json') {
    sendJson(response, 200, openApiDocument(routes));
    return;
  }
  const samePath = routes.filter((route) => route.path === path);
  const route = samePath.find((candidate) => candidate.method === request.method);
  if (!route) {
    sendJson(response, samePath.length > 0 ? 405 : 404, { detail: samePath.length > 0 ? 'Method Not Allowed' : 'Not Found' });
    return;
  }
  let dataRequest: DataRequest;
  try {
    dataRequest = parseBody(await readBody(request), route, docarray);
  } catch (error) {
    sendJson(response, 422, { detail: error instanceof RequestBodyError ? error.detail : [{ type: 'json_invalid', loc: ['body'], msg: (error as Error).message }] });
    return;
  }
  let result: DataRequest;
  try {
    result = await handler.process(dataRequest);
  } catch (error) {
    if (docarray === 'v2') sendText(response, 500, 'Internal Server Error');
    else {
      // The echoed request has `routes: null`: it never reached the routing.
      const body = { ...dataRequestToJson(networkErrorResponse(dataRequest, error), docarray, 'http'), routes: null };
      sendJson(response, isExecutorUnavailable(error) ? (error.reason === 'unavailable' ? 503 : 504) : 500, body);
    }
    return;
  }
  if (docarray === 'v2' && result.header.status?.code === STATUS_ERROR) {
    sendJson(response, 500, { detail: result.header.status.description });
    return;
  }
  sendJson(response, 200, dataRequestToJson(result, docarray, 'http'));
}

function parseBody(text: string, route: DataRoute, docarray: DocarrayVersion): DataRequest {
  const body: unknown = text.trim() === '' && docarray === 'v1' ? {} : JSON.parse(text);
  const request = dataRequestFromJsonBody(body, { docarray, execEndpoint: route.execEndpoint ?? '/', requestId: newRequestId() });
  // CRUD and v2 routes fix the endpoint, whatever the body says.
  if (route.execEndpoint !== undefined) request.header.execEndpoint = route.execEndpoint;
  return request;
}

function sendText(response: http.ServerResponse, statusCode: number, text: string): void {
  response.writeHead(statusCode, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
