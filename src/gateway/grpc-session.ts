import type { GatewayTarget } from './gateway-client.ts';
import { H2Connection } from './h2-connection.ts';

/** One HTTP/2 connection to a gateway (h2-connection.ts), and how many clients use it. */
interface HeldConnection {
  readonly key: string;
  readonly connection: H2Connection;
  users: number;
}

/** Connections shared by the clients of this thread (`sharedConnection`), by gateway. */
const sharedConnections = new Map<string, HeldConnection>();

/**
 * Where a gRPC client's calls go: its own HTTP/2 connection (the default: separate clients,
 * separate connections, as separate Jina clients have), or the thread's shared one for the
 * same gateway. A broken connection is replaced on the next `current()`; calls already on
 * it fail with it.
 */
export class GrpcSessionHolder {
  private held: HeldConnection | undefined;
  private readonly key: string;

  constructor(
    private readonly target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>,
    private readonly isShared: boolean,
  ) {
    this.key = `${target.tls ? 'https' : 'http'}://${target.host}:${target.port}`;
  }

  /** The connection to send on, (re)opened when there is none or it broke. */
  current(): H2Connection {
    const held = this.held;
    if (held?.connection.isUsable) return held.connection;
    return this.open().connection;
  }

  private open(): HeldConnection {
    this.release();
    let held = this.isShared ? sharedConnections.get(this.key) : undefined;
    if (!held?.connection.isUsable) {
      held = { key: this.key, connection: new H2Connection(this.target), users: 0 };
      if (this.isShared) sharedConnections.set(this.key, held);
    }
    held.users++;
    this.held = held;
    return held;
  }

  /** Lets go of the connection; it closes when no client uses it any more and its streams are over. */
  release(): void {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    held.users--;
    if (held.users > 0) return;
    if (sharedConnections.get(held.key) === held) sharedConnections.delete(held.key);
    held.connection.release();
  }
}
