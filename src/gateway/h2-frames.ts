/**
 * HTTP/2 frames (RFC 9113 §4, §6) as the gRPC client writes and reads them: the 9-byte frame
 * header, the frames it sends, and a reader that splits received bytes into frames. Only what
 * a client of gRPC needs: no PUSH_PROMISE (we announce ENABLE_PUSH 0), no PRIORITY, no padding
 * on what we send (received padding is stripped).
 */

export const frameType = {
  data: 0x0,
  headers: 0x1,
  priority: 0x2,
  rstStream: 0x3,
  settings: 0x4,
  pushPromise: 0x5,
  ping: 0x6,
  goaway: 0x7,
  windowUpdate: 0x8,
  continuation: 0x9,
} as const satisfies Record<string, number>;

export const frameFlag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const satisfies Record<string, number>;

/** RST_STREAM / GOAWAY error codes (RFC 9113 §7), the same numbers as node:http2's NGHTTP2_*. */
export const h2Error = {
  noError: 0x0,
  protocolError: 0x1,
  internalError: 0x2,
  flowControlError: 0x3,
  streamClosed: 0x5,
  frameSizeError: 0x6,
  refusedStream: 0x7,
  cancel: 0x8,
  compressionError: 0x9,
  connectError: 0xa,
  enhanceYourCalm: 0xb,
  inadequateSecurity: 0xc,
} as const satisfies Record<string, number>;

export const settingId = {
  headerTableSize: 0x1,
  enablePush: 0x2,
  maxConcurrentStreams: 0x3,
  initialWindowSize: 0x4,
  maxFrameSize: 0x5,
  maxHeaderListSize: 0x6,
} as const satisfies Record<string, number>;

/**
 * Flow-control windows this client announces: how much a gateway may send before we
 * acknowledge. HTTP/2's default is 64 KiB per stream and per connection, so a 1.5 MB answer
 * (ten 150 KB images) waited for ~23 WINDOW_UPDATE round trips; these let a few such
 * answers in flight at once. They cost nothing until data is actually in flight.
 */
export const streamWindowBytes = 8 << 20;
export const connectionWindowBytes = 32 << 20;
/** Every window's size until SETTINGS or WINDOW_UPDATE change it (RFC 9113 §6.9.2). */
export const defaultWindowBytes = 65_535;

export const connectionPreface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Until the peer's SETTINGS say otherwise (RFC 9113 §6.5.2). */
export const defaultMaxFrameSize = 16_384;
export const frameHeaderLength = 9;

/** Writes a frame header for a payload of `length` bytes into `target` at `at`. */
export function writeFrameHeader(target: Buffer, at: number, length: number, type: number, flags: number, streamId: number): void {
  target[at] = length >>> 16;
  target[at + 1] = (length >>> 8) & 0xff;
  target[at + 2] = length & 0xff;
  target[at + 3] = type;
  target[at + 4] = flags;
  target.writeUInt32BE(streamId, at + 5);
}

/** One frame: header and payload in one buffer (a single socket write). */
export function encodeFrame(type: number, flags: number, streamId: number, payload?: Uint8Array): Buffer {
  const length = payload?.length ?? 0;
  const frame = Buffer.allocUnsafe(frameHeaderLength + length);
  writeFrameHeader(frame, 0, length, type, flags, streamId);
  if (payload) frame.set(payload, frameHeaderLength);
  return frame;
}

/** SETTINGS with the given (id, value) pairs. */
export function encodeSettings(settings: ReadonlyArray<readonly [number, number]>): Buffer {
  const payload = Buffer.allocUnsafe(settings.length * 6);
  settings.forEach(([id, value], i) => {
    payload.writeUInt16BE(id, i * 6);
    payload.writeUInt32BE(value, i * 6 + 2);
  });
  return encodeFrame(frameType.settings, 0, 0, payload);
}

/** A frame carrying one 32-bit value: WINDOW_UPDATE (increment) or RST_STREAM (error code). */
export function encodeUint32Frame(type: number, streamId: number, value: number): Buffer {
  const frame = Buffer.allocUnsafe(frameHeaderLength + 4);
  writeFrameHeader(frame, 0, 4, type, 0, streamId);
  frame.writeUInt32BE(value, frameHeaderLength);
  return frame;
}

export function encodeGoaway(lastStreamId: number, code: number): Buffer {
  const payload = Buffer.allocUnsafe(8);
  payload.writeUInt32BE(lastStreamId, 0);
  payload.writeUInt32BE(code, 4);
  return encodeFrame(frameType.goaway, 0, 0, payload);
}

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  /** A view of the received bytes, valid until the handler returns (copy to keep). */
  payload: Buffer;
}

/** Malformed framing from the peer: the connection cannot go on (RFC 9113 §5.4.1). */
export class H2ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: number = h2Error.protocolError,
  ) {
    super(message);
  }
}

/** The payload without its padding (PADDED flag) and, for HEADERS, its priority fields. */
export function unpaddedPayload(frame: Frame): Buffer {
  let { payload } = frame;
  let start = 0;
  let padding = 0;
  if (frame.flags & frameFlag.padded) {
    if (payload.length < 1) throw new H2ProtocolError('padded frame without a pad length');
    padding = payload[0]!;
    start = 1;
  }
  if (frame.type === frameType.headers && frame.flags & frameFlag.priority) start += 5;
  if (start + padding > payload.length) throw new H2ProtocolError('padding longer than the frame');
  if (start === 0 && padding === 0) return payload;
  payload = payload.subarray(start, payload.length - padding);
  return payload;
}
