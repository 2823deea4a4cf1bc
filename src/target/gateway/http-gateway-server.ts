import http from 'node:http';
import { STATUS_ERROR, type DataRequest } from '../../protocol/data-request';
import { dataRequestToJson } from '../../protocol/data-request-json';
import type { DocarrayVersion } from '../../protocol/document';
import type { JsonObject } from '../../protocol/json-value';
import { newRequestId } from '../../protocol/request-id';
import { listen, readBody, sendJson, serveControlRoute } from './control-routes';
import { errorResponse } from './error-response';
import { isExecutorUnavailable, type GatewayHandler, type GatewayServer, type GatewayServerOptions } from './gateway-handler';
import { httpDataRoutes, openApiDocument, type DataRoute } from './http-gateway-routes';
import { dataRequestFromJsonBody } from './json-request-body';

/**
 * Jina's HTTP gateway on node:http (no framework: eight routes do not need one).
 * docarray v1: 200 with the JinaResponseModel (camelCase, `+00:00` times), executor errors
 * included (status ERROR with 200). docarray v2: 200 `{data, parameters, header, routes}`
 * — `routes` is our addition, Jina's v2 model has none — and 499 when an executor raised.
 * Both: 503 / 504 when a deployment is unavailable / timed out, 500 otherwise, with the
 * request echoed under an ERROR header (whose `exception.executor` we fill; Jina leaves '').
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
  const routes = httpDataRoutes(docarray, handler.endpoints());
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
    sendJson(response, 422, { detail: (error as Error).message });
    return;
  }
  let result: DataRequest;
  try {
    result = await handler.process(dataRequest);
  } catch (error) {
    const statusCode = isExecutorUnavailable(error) ? (error.reason === 'unavailable' ? 503 : 504) : 500;
    const body = dataRequestToJson(errorResponse(dataRequest, error), docarray, 'http');
    sendJson(response, statusCode, { ...body, detail: (error as Error).message });
    return;
  }
  const body = dataRequestToJson(result, docarray, 'http');
  if (docarray === 'v1') {
    sendJson(response, 200, body);
  } else if (result.header.status?.code === STATUS_ERROR) {
    // Jina's v2 app raises HTTPException(499, detail=description); we also keep the header,
    // so a client can name the executor that raised.
    sendJson(response, 499, { detail: result.header.status.description, header: body.header as JsonObject });
  } else {
    sendJson(response, 200, { data: body.data, parameters: body.parameters, header: body.header, routes: body.routes });
  }
}

function parseBody(text: string, route: DataRoute, docarray: DocarrayVersion): DataRequest {
  const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
  const request = dataRequestFromJsonBody(body, { docarray, execEndpoint: route.execEndpoint ?? '/', requestId: newRequestId() });
  // CRUD and v2 routes fix the endpoint, whatever the body says.
  if (route.execEndpoint !== undefined) request.header.execEndpoint = route.execEndpoint;
  return request;
}
