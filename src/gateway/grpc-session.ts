import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import type { GatewayTarget } from './gateway-client.ts';

/**
 * Flow-control windows this client announces: how much a gateway may send before we
 * acknowledge. HTTP/2's default is 64 KiB per stream and per connection, so a 1.5 MB answer
 * (ten 150 KB images) waited for ~23 WINDOW_UPDATE round trips; these let a few such
 * answers in flight at once. They cost nothing until data is actually in flight.
 */
const streamWindowBytes = 8 << 20;
const connectionWindowBytes = 32 << 20;

const sessionOptions: http2.ClientSessionOptions = {
  settings: { initialWindowSize: streamWindowBytes, enablePush: false },
  // As grpc-js does: Node's own cap (10 MB of buffered frames) fails large in-flight
  // messages with ENHANCE_YOUR_CALM instead of applying flow control.
  maxSessionMemory: Number.MAX_SAFE_INTEGER,
};

/** One HTTP/2 connection to a gateway, shared or not, and when it broke. */
export interface GrpcConnection {
  readonly session: http2.ClientHttp2Session;
  /** Resolves once connected; rejects when the connection cannot be made. */
  readonly connected: Promise<void>;
  /** The error that broke the connection (refused, reset, GOAWAY), once it broke. */
  error: Error | undefined;
  /** False once the session is closing or gone: open a new one for the next call. */
  readonly isUsable: boolean;
}

class Connection implements GrpcConnection {
  readonly session: http2.ClientHttp2Session;
  readonly connected: Promise<void>;
  error: Error | undefined;
  users = 0;

  constructor(
    readonly authority: string,
    target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>,
  ) {
    // TCP_NODELAY, as grpc-js sets it: without it a call's HEADERS and DATA frames, written
    // apart, waited on Nagle's algorithm for the peer's ACK (unary round trips of ~10 ms
    // instead of ~1 ms at 16 clients on loopback).
    const createConnection = (): net.Socket =>
      target.tls
        ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ALPNProtocols: ['h2'] }).setNoDelay(true)
        : net.connect({ host: target.host, port: target.port, noDelay: true });
    const session = http2.connect(authority, { ...sessionOptions, createConnection });
    this.session = session;
    this.connected = new Promise<void>((resolve, reject) => {
      session.once('connect', () => {
        session.setLocalWindowSize(connectionWindowBytes);
        resolve();
      });
      session.once('close', () => reject(this.error ?? new Error('connection closed before it was established')));
    });
    // Settled either way; callers that care await it themselves.
    this.connected.catch(() => undefined);
    session.on('error', (error: Error) => {
      this.error ??= error;
    });
    session.on('goaway', (code: number) => {
      this.error ??= new Error(`the gateway closed the connection (GOAWAY ${code})`);
    });
  }

  get isUsable(): boolean {
    return !this.session.closed && !this.session.destroyed && this.error === undefined;
  }
}

/** Connections shared by the clients of this thread (`sharedConnection`), by authority. */
const sharedConnections = new Map<string, Connection>();

/**
 * Where a gRPC client's calls go: its own HTTP/2 connection (the default: separate clients,
 * separate connections, as separate Jina clients have), or the thread's shared one for the
 * same gateway. A broken connection is replaced on the next `current()`; calls already on
 * it fail with it.
 */
export class GrpcSessionHolder {
  private connection: Connection | undefined;
  private readonly authority: string;

  constructor(
    private readonly target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>,
    private readonly isShared: boolean,
  ) {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    this.authority = `${target.tls ? 'https' : 'http'}://${host}:${target.port}`;
  }

  /** The connection to send on, (re)opened when there is none or it broke. */
  current(): GrpcConnection {
    const connection = this.connection;
    if (connection?.isUsable) return connection;
    return this.open();
  }

  private open(): Connection {
    this.release();
    let connection = this.isShared ? sharedConnections.get(this.authority) : undefined;
    if (!connection?.isUsable) {
      connection = new Connection(this.authority, this.target);
      if (this.isShared) sharedConnections.set(this.authority, connection);
    }
    connection.users++;
    this.connection = connection;
    return connection;
  }

  /** Lets go of the connection; it closes when no client uses it any more. */
  release(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.users--;
    if (connection.users > 0) return;
    if (sharedConnections.get(connection.authority) === connection) sharedConnections.delete(connection.authority);
    if (!connection.session.destroyed) connection.session.destroy();
  }
}
