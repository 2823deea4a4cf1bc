import { defaultMaxFrameSize, frameHeaderLength, h2Error, H2ProtocolError, type Frame } from './h2-frames.ts';

/**
 * Splits received bytes into frames. A frame larger than `maxFrameSize` (what we announce:
 * the default 16 KiB) is a FRAME_SIZE_ERROR. Whole frames in a chunk are views of it; only a
 * frame cut between chunks is joined, once it is complete.
 */
export class FrameReader {
  /** Received bytes that do not complete a frame yet, and how many. */
  private readonly held: Buffer[] = [];
  private heldLength = 0;
  /** The held frame's whole length (header and payload), once its header has arrived. */
  private neededLength = 0;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly maxFrameSize = defaultMaxFrameSize,
  ) {}

  push(chunk: Buffer): void {
    if (this.heldLength > 0) {
      // Join only once the held frame is complete: a 16 KiB frame cut across many small
      // chunks is copied once, not once per chunk.
      this.held.push(chunk);
      this.heldLength += chunk.length;
      if (this.neededLength === 0 && this.heldLength >= frameHeaderLength) this.neededLength = this.frameLength(Buffer.concat(this.held), 0);
      if (this.neededLength === 0 || this.heldLength < this.neededLength) return;
      chunk = Buffer.concat(this.held, this.heldLength);
      this.held.length = 0;
      this.heldLength = 0;
      this.neededLength = 0;
    }
    let at = 0;
    const frame: Frame = { type: 0, flags: 0, streamId: 0, payload: chunk };
    while (chunk.length - at >= frameHeaderLength) {
      const end = at + this.frameLength(chunk, at);
      if (end > chunk.length) {
        this.neededLength = end - at;
        break;
      }
      frame.type = chunk[at + 3]!;
      frame.flags = chunk[at + 4]!;
      frame.streamId = chunk.readUInt32BE(at + 5) & 0x7fffffff;
      frame.payload = chunk.subarray(at + frameHeaderLength, end);
      at = end;
      this.onFrame(frame);
    }
    if (at < chunk.length) {
      this.held.push(at === 0 ? chunk : chunk.subarray(at));
      this.heldLength = chunk.length - at;
    }
  }

  /** Header and payload length of the frame whose header starts at `at`. */
  private frameLength(bytes: Buffer, at: number): number {
    const length = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
    if (length > this.maxFrameSize) throw new H2ProtocolError(`received a ${length}-byte frame, above the ${this.maxFrameSize} announced`, h2Error.frameSizeError);
    return frameHeaderLength + length;
  }
}
