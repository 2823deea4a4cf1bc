import { encodeUint32Frame, frameFlag, frameHeaderLength, frameType, h2Error, writeFrameHeader } from './h2-frames.ts';
import type { HeaderFields } from './h2-header-block.ts';

/** What a stream's owner (a unary call, a Call stream) hears from it. */
export interface H2StreamEvents {
  /** A header block: the response headers, or trailers (`endStream` true). */
  onHeaders(fields: HeaderFields, endStream: boolean): void;
  /** DATA payload; a view of received bytes that nothing else writes to (safe to keep). */
  onData(chunk: Buffer): void;
  /** Once, last: the stream is over. */
  onClose(closed: StreamClosed): void;
}

/**
 * How a stream ended: `rstCode` is the RST_STREAM code received or sent (NO_ERROR when both
 * sides ended it cleanly), `connectionError` is set when the connection went with it (reset,
 * refused, GOAWAY beyond its id, closed by the gateway).
 */
export interface StreamClosed {
  rstCode: number;
  connectionError: Error | undefined;
}

/** What a stream needs of its connection: writing frames and sharing the connection's send window. */
export interface StreamHost {
  readonly maxFrameSize: number;
  connectionSendWindow: number;
  write(bytes: Buffer): void;
  /** Brackets several writes into one writev (net.Socket cork/uncork, nestable). */
  cork(): void;
  uncork(): void;
  /** This stream has data held back by the connection window: flush it on the next WINDOW_UPDATE. */
  blockOnConnectionWindow(stream: H2Stream): void;
  /** The stream ended (both ways, reset or failed): forget it, start a waiting one. */
  forget(stream: H2Stream): void;
}

/** DATA payloads up to this size are copied next to their frame header; larger ones are written as views. */
const copyBelowBytes = 4096;

/**
 * One HTTP/2 stream of a client connection: its id, its send window and the DATA it could not
 * send yet (flow control: the peer's stream and connection windows, RFC 9113 §6.9), which
 * side has ended, and how it closed. The connection routes received frames here.
 */
export class H2Stream {
  /** 0 until the connection starts it (it may wait for SETTINGS_MAX_CONCURRENT_STREAMS). */
  id = 0;
  sendWindow = 0;
  /** Bytes received since the last stream WINDOW_UPDATE we sent. */
  unacknowledged = 0;
  isLocalEnded = false;
  isRemoteEnded = false;
  isClosed = false;
  private readonly queue: Buffer[] = [];
  private queuedEnd = false;

  constructor(
    private readonly host: StreamHost,
    readonly headerBlock: Buffer,
    readonly events: H2StreamEvents,
  ) {}

  /** Queues `data` (and END_STREAM with `end`), sending what the windows allow now. */
  write(data: Buffer, end = false): void {
    if (this.isClosed || this.isLocalEnded || this.queuedEnd) return;
    if (data.length > 0) this.queue.push(data);
    this.queuedEnd = end;
    if (this.id !== 0) this.flush();
  }

  /**
   * Sends queued DATA as far as both send windows and the peer's frame size allow. Frames are
   * written corked (one writev per flush); a large payload is written as a view next to its
   * 9-byte header rather than copied (request buffers are never reused once handed over).
   */
  flush(): void {
    const host = this.host;
    host.cork();
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0]!;
        const room = Math.min(this.sendWindow, host.connectionSendWindow, host.maxFrameSize);
        if (room <= 0) {
          if (host.connectionSendWindow <= 0 && this.sendWindow > 0) host.blockOnConnectionWindow(this);
          return;
        }
        const length = Math.min(room, head.length);
        const isLast = length === head.length && this.queue.length === 1 && this.queuedEnd;
        const flags = isLast ? frameFlag.endStream : 0;
        const payload = length === head.length ? head : head.subarray(0, length);
        if (length === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(length);
        this.sendWindow -= length;
        host.connectionSendWindow -= length;
        if (length <= copyBelowBytes) {
          const frame = Buffer.allocUnsafe(frameHeaderLength + length);
          writeFrameHeader(frame, 0, length, frameType.data, flags, this.id);
          payload.copy(frame, frameHeaderLength);
          host.write(frame);
        } else {
          const header = Buffer.allocUnsafe(frameHeaderLength);
          writeFrameHeader(header, 0, length, frameType.data, flags, this.id);
          host.write(header);
          host.write(payload);
        }
        if (isLast) return this.endLocal();
      }
      if (this.queuedEnd) {
        const frame = Buffer.allocUnsafe(frameHeaderLength);
        writeFrameHeader(frame, 0, 0, frameType.data, frameFlag.endStream, this.id);
        host.write(frame);
        this.endLocal();
      }
    } finally {
      host.uncork();
    }
  }

  private endLocal(): void {
    this.queuedEnd = false;
    this.isLocalEnded = true;
    if (this.isRemoteEnded) this.close(h2Error.noError, undefined);
  }

  /** The peer ended its side (END_STREAM). A request still being sent is cut short (RFC 9113 §8.1). */
  endRemote(): void {
    this.isRemoteEnded = true;
    if (this.isLocalEnded) this.close(h2Error.noError, undefined);
    else this.reset(h2Error.noError);
  }

  /** Resets the stream (RST_STREAM with `code`, e.g. CANCEL) and closes it with that code. */
  reset(code: number): void {
    if (this.isClosed) return;
    if (this.id !== 0) this.host.write(encodeUint32Frame(frameType.rstStream, this.id, code));
    this.close(code, undefined);
  }

  /** Closes without writing anything: reset by the peer, or the connection failed. */
  close(rstCode: number, connectionError: Error | undefined): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.queue.length = 0;
    this.host.forget(this);
    this.events.onClose({ rstCode, connectionError });
  }

  /** Any DATA still waiting for a window. */
  get hasQueuedData(): boolean {
    return this.queue.length > 0 || this.queuedEnd;
  }
}
