import http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeDataRequest, encodeDataRequest, encodeStatus } from '../../protocol/codec.ts';
import { dataRequestToJson, statusToProtobufJson } from '../../protocol/data-request-json.ts';
import { STATUS_SUCCESS, type DataRequest } from '../../protocol/data-request.ts';
import { newRequestId } from '../../protocol/request-id.ts';
import { listen, sendJson, serveControlRoute } from './control-routes.ts';
import { truncateUtf8 } from './error-response.ts';
import { isExecutorUnavailable, type GatewayServer, type GatewayServerOptions } from './gateway-handler.ts';
import { dataRequestFromJsonBody } from './json-request-body.ts';

type Framing = 'bytes' | 'json';

/** `bytes` when the client asked for it (Jina's test: the header's value is `bytes`), else JSON. */
function requestedFraming(header: string | undefined): Framing {
  return header?.split(',').some((offered) => offered.trim() === 'bytes') ? 'bytes' : 'json';
}

/**
 * Jina's close reason for an unreachable deployment names its address:
 * `Network error while connecting to deployment at {'0.0.0.0:<port>'}. It may be down.`
 * The reference runtime has no address, so the deployment name stands in its place.
 */
function unavailableReason(error: unknown): string {
  const where = isExecutorUnavailable(error) ? error.executor : (error as Error).message ?? String(error);
  return truncateUtf8(`Network error while connecting to deployment at {'${where}'}. It may be down.`, maxCloseReasonBytes);
}

/** WebSocket close code Jina uses when a deployment cannot be reached. */
const internalErrorCloseCode = 1011;
/** A close frame's reason holds at most 123 bytes. */
const maxCloseReasonBytes = 123;

/**
 * Jina's WebSocket gateway: data on `ws://host:port/`, framing chosen by the request's
 * `Sec-WebSocket-Protocol` header and, like Jina, never echoed in the handshake answer
 * (docs/jina-protocols-verified.md §1.5): `bytes` (one DataRequestProto per binary frame; 0x00
 * ends input; an empty frame asks for a dry run) or JSON without the header (`{}` ends input;
 * docarray v2 Flows drop such a connection without a close frame, §1.6). Responses are sent as
 * each request completes. Plain HTTP `GET /`, `/status`, `/dry_run` on the same port, and
 * `ws://…/dry_run`. An unreachable deployment closes the socket with 1011, as Jina does.
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
    // Jina answers the handshake without Sec-WebSocket-Protocol whatever was asked; returning
    // false keeps `ws` from echoing one (a client that insists on the echo fails here as there).
    handleProtocols: () => false,
  });
  const framingOf = new WeakMap<WebSocket, Framing>();

  // Jina answers a healthy dry run with the empty StatusProto (an empty binary frame, or `{}`),
  // and closes with 1011 when a deployment is down (§4.2, §4.4).
  const serveDryRun = (socket: WebSocket): void => {
    handler.dryRun().then(
      (status) => {
        if (status.code !== STATUS_SUCCESS) socket.close(internalErrorCloseCode, truncateUtf8(status.description, maxCloseReasonBytes));
        else if (framingOf.get(socket) === 'bytes') socket.send(encodeStatus(status));
        else socket.send(JSON.stringify(statusToProtobufJson(status)));
      },
      (error: unknown) => socket.close(internalErrorCloseCode, unavailableReason(error)),
    );
  };

  const serveData = (socket: WebSocket): void => {
    const isBytes = framingOf.get(socket) === 'bytes';
    let isInputDone = false;
    let inFlight = 0;
    // After the end-of-input marker, the last answer closes the socket normally.
    const closeIfDone = (): void => {
      if (isInputDone && inFlight === 0 && socket.readyState === socket.OPEN) socket.close(1000);
    };
    const respond = (request: DataRequest): void => {
      inFlight++;
      handler
        .process(request)
        .then(
          (response) => {
            if (socket.readyState !== socket.OPEN) return;
            if (isBytes) socket.send(encodeDataRequest(response, docarray));
            else socket.send(JSON.stringify(dataRequestToJson(response, docarray, 'websocket')));
          },
          (error: unknown) => socket.close(internalErrorCloseCode, unavailableReason(error)),
        )
        .finally(() => {
          inFlight--;
          closeIfDone();
        });
    };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isInputDone) return;
      try {
        if (isBytes && isBinary) {
          if (data.length === 1 && data[0] === 0) {
            isInputDone = true;
            closeIfDone();
          } else if (data.length === 0) serveDryRun(socket);
          else respond(decodeDataRequest(data, docarray));
          return;
        }
        if (docarray === 'v2') {
          // Jina: RuntimeError(" DocArray v2 is not compatible with json subprotocol"), and the
          // TCP connection drops without a close frame (the client sees 1006).
          socket.terminate();
          return;
        }
        const body: unknown = JSON.parse(data.toString('utf8'));
        if (body !== null && typeof body === 'object' && Object.keys(body).length === 0) {
          isInputDone = true;
          closeIfDone();
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
    const framing: Framing = requestedFraming(request.headers['sec-websocket-protocol']);
    sockets.handleUpgrade(request, stream, head, (socket) => {
      framingOf.set(socket, framing);
      if (path === '/dry_run') serveDryRun(socket);
      else serveData(socket);
    });
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
