import { connectionWindowBytes, encodeFrame, encodeUint32Frame, frameFlag, frameType, h2Error, H2ProtocolError, settingId, streamWindowBytes, unpaddedPayload, type Frame } from './h2-frames.ts';
import { HeaderBlockDecoder } from './h2-header-block.ts';
import type { H2Stream } from './h2-stream.ts';

/** What the router reads and changes of its connection (H2Connection). */
export interface RoutedConnection {
  readonly streams: ReadonlyMap<number, H2Stream>;
  maxConcurrentStreams: number;
  maxFrameSize: number;
  peerInitialWindow: number;
  connectionSendWindow: number;
  /** Bytes received since the last connection WINDOW_UPDATE we sent. */
  unacknowledged: number;
  write(bytes: Buffer): void;
  markConnected(): void;
  startWaiting(): void;
  flushBlocked(): void;
  goAway(lastStreamId: number, code: number): void;
}

/** A header block bigger than this is refused (CONTINUATION without end): grpc's own limit is far lower. */
const maxHeaderBlockBytes = 1 << 20;
const maxWindow = 2 ** 31 - 1;

/** A header block still arriving: HEADERS without END_HEADERS, then CONTINUATION frames. */
interface OpenBlock {
  streamId: number;
  endStream: boolean;
  parts: Buffer[];
  length: number;
}

/**
 * What a client connection does with each received frame (RFC 9113 §6): SETTINGS and PING
 * acknowledged, WINDOW_UPDATE grows the send windows, DATA is handed to its stream and our
 * receive windows replenished once half is used, header blocks (HEADERS + CONTINUATION) are
 * decoded in arrival order — also for streams we already cancelled, as HPACK's table is the
 * connection's — RST_STREAM and GOAWAY close what they name. Malformed frames throw
 * H2ProtocolError: the connection fails.
 */
export class H2FrameRouter {
  private readonly decoder = new HeaderBlockDecoder();
  private block: OpenBlock | undefined;

  constructor(private readonly connection: RoutedConnection) {}

  route(frame: Frame): void {
    if (this.block && frame.type !== frameType.continuation) throw new H2ProtocolError('expected CONTINUATION, received another frame');
    switch (frame.type) {
      case frameType.data:
        return this.data(frame);
      case frameType.headers:
        if (frame.streamId === 0) throw new H2ProtocolError('HEADERS on stream 0');
        this.block = { streamId: frame.streamId, endStream: (frame.flags & frameFlag.endStream) !== 0, parts: [], length: 0 };
        return this.continueBlock(frame, unpaddedPayload(frame));
      case frameType.continuation:
        if (!this.block || frame.streamId !== this.block.streamId) throw new H2ProtocolError('CONTINUATION without a header block in progress');
        return this.continueBlock(frame, frame.payload);
      case frameType.settings:
        return this.settings(frame);
      case frameType.ping:
        if (frame.payload.length !== 8) throw new H2ProtocolError('PING of a size other than 8', h2Error.frameSizeError);
        if (!(frame.flags & frameFlag.ack)) this.connection.write(encodeFrame(frameType.ping, frameFlag.ack, 0, frame.payload));
        return;
      case frameType.windowUpdate:
        return this.windowUpdate(frame);
      case frameType.rstStream:
        if (frame.payload.length !== 4) throw new H2ProtocolError('RST_STREAM of a size other than 4', h2Error.frameSizeError);
        this.connection.streams.get(frame.streamId)?.close(frame.payload.readUInt32BE(0), undefined);
        return;
      case frameType.goaway:
        if (frame.payload.length < 8) throw new H2ProtocolError('GOAWAY shorter than 8 bytes', h2Error.frameSizeError);
        return this.connection.goAway(frame.payload.readUInt32BE(0) & 0x7fffffff, frame.payload.readUInt32BE(4));
      case frameType.pushPromise:
        throw new H2ProtocolError('PUSH_PROMISE, though push was disabled');
      default:
        // PRIORITY and unknown frame types are ignored (RFC 9113 §4.1, §5.5).
        return;
    }
  }

  private data(frame: Frame): void {
    const connection = this.connection;
    const length = frame.payload.length;
    // Padding counts against the windows too (RFC 9113 §6.1); acknowledged even for streams
    // we no longer track, or the connection window would shrink away.
    connection.unacknowledged += length;
    if (connection.unacknowledged >= connectionWindowBytes / 2) {
      connection.write(encodeUint32Frame(frameType.windowUpdate, 0, connection.unacknowledged));
      connection.unacknowledged = 0;
    }
    const stream = connection.streams.get(frame.streamId);
    if (!stream || stream.isRemoteEnded) return;
    const payload = unpaddedPayload(frame);
    const isEnd = (frame.flags & frameFlag.endStream) !== 0;
    stream.unacknowledged += length;
    if (!isEnd && stream.unacknowledged >= streamWindowBytes / 2) {
      connection.write(encodeUint32Frame(frameType.windowUpdate, stream.id, stream.unacknowledged));
      stream.unacknowledged = 0;
    }
    if (payload.length > 0) stream.events.onData(payload);
    if (isEnd && !stream.isClosed) stream.endRemote();
  }

  private continueBlock(frame: Frame, fragment: Buffer): void {
    const block = this.block!;
    block.parts.push(fragment);
    block.length += fragment.length;
    if (block.length > maxHeaderBlockBytes) throw new H2ProtocolError(`a header block of more than ${maxHeaderBlockBytes} bytes`);
    if (!(frame.flags & frameFlag.endHeaders)) {
      // The frame's payload is a view of a chunk that later frames may not share: keep a copy.
      block.parts[block.parts.length - 1] = Buffer.from(fragment);
      return;
    }
    this.block = undefined;
    let fields;
    try {
      fields = this.decoder.decode(block.parts.length === 1 ? block.parts[0]! : Buffer.concat(block.parts));
    } catch (error) {
      throw new H2ProtocolError(`cannot decode a header block: ${(error as Error).message}`, h2Error.compressionError);
    }
    const stream = this.connection.streams.get(block.streamId);
    if (!stream || stream.isRemoteEnded) return;
    stream.events.onHeaders(fields, block.endStream);
    if (block.endStream && !stream.isClosed) stream.endRemote();
  }

  private settings(frame: Frame): void {
    if (frame.flags & frameFlag.ack) return;
    const { payload } = frame;
    if (frame.streamId !== 0 || payload.length % 6 !== 0) throw new H2ProtocolError('malformed SETTINGS', h2Error.frameSizeError);
    const connection = this.connection;
    for (let at = 0; at < payload.length; at += 6) {
      const id = payload.readUInt16BE(at);
      const value = payload.readUInt32BE(at + 2);
      if (id === settingId.maxConcurrentStreams) connection.maxConcurrentStreams = value;
      else if (id === settingId.maxFrameSize) {
        if (value < 16_384 || value > 16_777_215) throw new H2ProtocolError(`SETTINGS_MAX_FRAME_SIZE ${value} out of range`);
        connection.maxFrameSize = value;
      } else if (id === settingId.initialWindowSize) {
        if (value > maxWindow) throw new H2ProtocolError(`SETTINGS_INITIAL_WINDOW_SIZE ${value} above 2^31-1`, h2Error.flowControlError);
        // A change applies to every open stream's window, up or down (RFC 9113 §6.9.2).
        const delta = value - connection.peerInitialWindow;
        connection.peerInitialWindow = value;
        for (const stream of connection.streams.values()) stream.sendWindow += delta;
      }
      // HEADER_TABLE_SIZE sizes the peer's decoder: our blocks never index, so it does not matter.
    }
    connection.write(encodeFrame(frameType.settings, frameFlag.ack, 0));
    connection.markConnected();
    for (const stream of [...connection.streams.values()]) if (stream.hasQueuedData) stream.flush();
    connection.startWaiting();
  }

  private windowUpdate(frame: Frame): void {
    if (frame.payload.length !== 4) throw new H2ProtocolError('WINDOW_UPDATE of a size other than 4', h2Error.frameSizeError);
    const increment = frame.payload.readUInt32BE(0) & 0x7fffffff;
    const connection = this.connection;
    if (frame.streamId === 0) {
      if (increment === 0) throw new H2ProtocolError('connection WINDOW_UPDATE of 0');
      connection.connectionSendWindow += increment;
      if (connection.connectionSendWindow > maxWindow) throw new H2ProtocolError('connection send window above 2^31-1', h2Error.flowControlError);
      connection.flushBlocked();
      return;
    }
    const stream = connection.streams.get(frame.streamId);
    if (!stream) return;
    if (increment === 0) return stream.reset(h2Error.protocolError);
    stream.sendWindow += increment;
    if (stream.sendWindow > maxWindow) return stream.reset(h2Error.flowControlError);
    stream.flush();
  }
}
