import net from 'node:net';
import tls from 'node:tls';
import { HTTPParser } from 'http-parser-js';

export interface HttpAnswer {
  statusCode: number;
  body: string;
}

/** Called once per exchange: the answer, or the socket error (with its `code`, as node:http's). */
export type HttpAnswerCallback = (error: NodeJS.ErrnoException | undefined, answer?: HttpAnswer) => void;

export interface HttpSocketEndpoint {
  host: string;
  port: number;
  tls?: boolean;
}

/**
 * One keep-alive HTTP/1.1 connection carrying one exchange at a time: the load generator's
 * post path. node:http cost ~60 µs of CPU per request before any of our work (its agent,
 * ClientRequest/IncomingMessage streams, header objects both ways); this writes the request
 * as one string and parses the answer with http-parser-js (autocannon's parser), ~3x less.
 * After an answer that does not keep the connection alive, or any error, the socket is
 * destroyed and `isReusable` is false: the owner opens a new one for the next request.
 */
export class HttpPostSocket {
  private readonly socket: net.Socket;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private callback: HttpAnswerCallback | undefined;
  private statusCode = 0;
  private keepAlive = false;
  private chunks: Buffer[] = [];
  private isClosed = false;

  constructor(endpoint: HttpSocketEndpoint) {
    // TCP_NODELAY as node:http's agent does not set by default but a request written as one
    // string needs no coalescing; servername as https.Agent sets it (none for an IP address).
    this.socket = endpoint.tls
      ? tls.connect({ host: endpoint.host, port: endpoint.port, ...(net.isIP(endpoint.host) ? {} : { servername: endpoint.host }) })
      : net.connect({ host: endpoint.host, port: endpoint.port });
    this.socket.setNoDelay(true);
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => {
      this.statusCode = info.statusCode;
      this.keepAlive = info.shouldKeepAlive;
    };
    this.parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      this.chunks.push(chunk.subarray(offset, offset + length));
    };
    this.parser[HTTPParser.kOnMessageComplete] = () => this.complete();
    this.socket.on('data', (data: Buffer) => {
      const parsed = this.parser.execute(data);
      if (parsed instanceof Error) this.fail(Object.assign(new Error(`invalid HTTP response: ${parsed.message}`), { code: 'HPE_INVALID' }));
    });
    this.socket.on('end', () => {
      // A body delimited by the end of the connection completes here.
      if (this.callback) this.parser.finish();
      this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    });
    this.socket.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    this.socket.on('close', () => this.fail(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
  }

  /** Idle and open: may carry the next request. */
  get isReusable(): boolean {
    return !this.isClosed && this.callback === undefined;
  }

  /** Sends `head` + `body` (the whole request as text); `callback` gets the answer or the error. */
  exchange(request: string, callback: HttpAnswerCallback): void {
    this.callback = callback;
    this.socket.write(request);
  }

  /** Ends the connection; an exchange in flight fails with `error`. */
  destroy(error?: NodeJS.ErrnoException): void {
    if (error) this.fail(error);
    this.isClosed = true;
    this.socket.destroy();
  }

  private complete(): void {
    const chunks = this.chunks;
    if (this.statusCode < 200) {
      // An interim answer (100 Continue, 103 Early Hints): the real one follows, as node:http skips them.
      this.chunks = [];
      return;
    }
    const callback = this.callback;
    this.callback = undefined;
    this.chunks = [];
    const body = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    if (!this.keepAlive) this.destroy();
    callback?.(undefined, { statusCode: this.statusCode, body });
  }

  private fail(error: NodeJS.ErrnoException): void {
    this.isClosed = true;
    const callback = this.callback;
    this.callback = undefined;
    this.chunks = [];
    if (!this.socket.destroyed) this.socket.destroy();
    callback?.(error);
  }
}

/** The request line and headers node:http wrote for the same post (keep-alive, length-delimited). */
export function httpRequestHead(endpoint: HttpSocketEndpoint, method: string, path: string, contentLength: number): string {
  const defaultPort = endpoint.tls ? 443 : 80;
  // Only an IPv6 address has a colon: the common case skips isIPv6's regex (per request).
  const host = endpoint.host.includes(':') && net.isIPv6(endpoint.host) ? `[${endpoint.host}]` : endpoint.host;
  const hostHeader = endpoint.port === defaultPort ? host : `${host}:${endpoint.port}`;
  return (
    `${method} ${path} HTTP/1.1\r\naccept: application/json\r\ncontent-type: application/json\r\n` +
    `content-length: ${contentLength}\r\nHost: ${hostHeader}\r\nConnection: keep-alive\r\n\r\n`
  );
}
