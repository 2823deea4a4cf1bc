import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeDataRequest, encodeDataRequest, encodeStatus } from '../../protocol/codec';
import { dataRequestToJson, statusToJson } from '../../protocol/data-request-json';
import type { DataRequest } from '../../protocol/data-request';
import { newRequestId } from '../../protocol/request-id';
import { listen, sendJson, serveControlRoute } from './control-routes';
import { truncateUtf8 } from './error-response';
import type { GatewayServer, GatewayServerOptions } from './gateway-handler';
import { dataRequestFromJsonBody } from './json-request-body';

/** WebSocket close code Jina uses when a deployment cannot be reached. */
const internalErrorCloseCode = 1011;
/** A close frame's reason holds at most 123 bytes. */
const maxCloseReasonBytes = 123;

/**
 * Jina's WebSocket gateway: data on `ws://host:port/` with subprotocol `bytes` (one
 * DataRequestProto per binary frame; 0x00 ends input; an empty frame asks for a dry run) or
 * `json` (the default when no subprotocol is offered; `{}` ends input); responses are sent as
 * each request completes. Plain HTTP `GET /`, `/status`, `/dry_run` on the same port, and
 * `ws://…/dry_run`. Processing errors close the socket with 1011, as Jina does.
 */
export async function startWebSocketGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  const { handler, docarray } = options;
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((request, response) => {
    serveControlRoute(request, response, handler)
      .then((isHandled) => {
        if (!isHandled) sendJson(response, 404, { detail: 'Not Found' });
      })
      .catch((error: unknown) => sendJson(response, 500, { detail: (error as Error).message }));
  });
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 0,
    perMessageDeflate: false,
    handleProtocols: (offered) => (offered.has('bytes') ? 'bytes' : offered.has('json') ? 'json' : false),
  });

  const serveDryRun = (socket: WebSocket): void => {
    handler.dryRun().then(
      (status) => {
        if (socket.protocol === 'bytes') socket.send(encodeStatus(status));
        else socket.send(JSON.stringify(statusToJson(status)));
        socket.close(1000);
      },
      (error: unknown) => socket.close(internalErrorCloseCode, truncateUtf8(String((error as Error).message), maxCloseReasonBytes)),
    );
  };

  const serveData = (socket: WebSocket): void => {
    const isBytes = socket.protocol === 'bytes';
    let isInputDone = false;
    const respond = (request: DataRequest): void => {
      handler.process(request).then(
        (response) => {
          if (socket.readyState !== socket.OPEN) return;
          if (isBytes) socket.send(encodeDataRequest(response, docarray));
          else socket.send(JSON.stringify(dataRequestToJson(response, docarray, 'websocket')));
        },
        (error: unknown) => socket.close(internalErrorCloseCode, truncateUtf8((error as Error).message ?? String(error), maxCloseReasonBytes)),
      );
    };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isInputDone) return;
      try {
        if (isBytes && isBinary) {
          if (data.length === 1 && data[0] === 0) isInputDone = true;
          else if (data.length === 0) {
            handler.dryRun().then(
              (status) => socket.send(encodeStatus(status)),
              (error: unknown) => socket.close(internalErrorCloseCode, truncateUtf8(String((error as Error).message), maxCloseReasonBytes)),
            );
          }
          else respond(decodeDataRequest(data, docarray));
          return;
        }
        const body: unknown = JSON.parse(data.toString('utf8'));
        if (body !== null && typeof body === 'object' && Object.keys(body).length === 0) {
          isInputDone = true;
          return;
        }
        // JSON mode: the gateway assigns the request id, as Jina's does.
        respond(dataRequestFromJsonBody(body, { docarray, execEndpoint: '/', requestId: newRequestId() }));
      } catch (error) {
        socket.close(internalErrorCloseCode, truncateUtf8(`bad request frame: ${(error as Error).message}`, maxCloseReasonBytes));
      }
    });
  };

  server.on('upgrade', (request: http.IncomingMessage, stream: Duplex, head: Buffer) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '/dry_run') {
      stream.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, stream, head, (socket) => (path === '/dry_run' ? serveDryRun(socket) : serveData(socket)));
  });

  const port = await listen(server, host, options.port);
  return {
    protocol: 'websocket',
    host,
    port,
    close: async () => {
      for (const socket of sockets.clients) socket.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
