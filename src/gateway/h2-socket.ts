import net from 'node:net';
import tls from 'node:tls';
import type { GatewayTarget } from './gateway-client.ts';
import { connectionPreface, connectionWindowBytes, defaultWindowBytes, encodeSettings, encodeUint32Frame, frameType, settingId, streamWindowBytes } from './h2-frames.ts';

/** Preface, our SETTINGS (no push, our stream window) and the connection window's growth to ours. */
const openingBytes = Buffer.concat([
  connectionPreface,
  encodeSettings([
    [settingId.enablePush, 0],
    [settingId.initialWindowSize, streamWindowBytes],
  ]),
  encodeUint32Frame(frameType.windowUpdate, 0, connectionWindowBytes - defaultWindowBytes),
]);

/**
 * The socket of a client HTTP/2 connection to `target` — TCP, or TLS offering ALPN h2 — with
 * the client's opening bytes written first (sent once connected), and how writes are batched.
 * TCP_NODELAY, as grpc-js sets it: without it a call's frames waited on Nagle's algorithm for
 * the peer's ACK (unary round trips of ~10 ms instead of ~1 ms on loopback).
 */
export class H2Socket {
  readonly socket: net.Socket;
  private isHeldToEndOfTurn = false;

  constructor(target: Pick<GatewayTarget, 'host' | 'port' | 'tls'>) {
    this.socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ALPNProtocols: ['h2'] }).setNoDelay(true)
      : net.connect({ host: target.host, port: target.port, noDelay: true });
    this.socket.write(openingBytes);
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Brackets several writes into one writev (nestable). */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /**
   * Holds writes from here to the end of this event-loop turn (setImmediate) and sends them
   * in one writev: the acknowledgements a received chunk asks for (grpc-go's servers PING
   * about once per answer to estimate bandwidth) and the requests the answers' callbacks send
   * next. Acknowledged at once, the PING alone cost a socket write per call.
   */
  holdWritesToEndOfTurn(): void {
    if (this.isHeldToEndOfTurn) return;
    this.isHeldToEndOfTurn = true;
    this.socket.cork();
    setImmediate(() => {
      this.isHeldToEndOfTurn = false;
      this.socket.uncork();
    });
  }

  /** Sends `lastFrame` (a GOAWAY) if it still can, then closes; at once without one. */
  close(lastFrame?: Buffer): void {
    const socket = this.socket;
    if (!lastFrame || socket.destroyed) {
      socket.destroy();
      return;
    }
    socket.end(lastFrame, () => socket.destroy());
    // A peer that stopped reading would hold the socket open: give the frame a moment.
    setTimeout(() => socket.destroy(), 1000).unref();
  }
}
