/**
 * Splits an HTTP/2 stream's DATA into gRPC messages: each is a 5-byte prefix (compressed
 * flag, uint32 big-endian length) and the message. A chunk holding whole messages is sliced,
 * not copied (the common case for small answers); a message spread over chunks (large ones
 * arrive in 16 KiB frames) is gathered into one buffer of its announced length.
 */
export class GrpcMessageReader {
  /** Bytes of an incomplete prefix. */
  private head: Buffer | undefined;
  /** The message being gathered, and how much of it has arrived. */
  private body: Buffer | undefined;
  private bodyFilled = 0;

  constructor(private readonly onMessage: (message: Buffer) => void) {}

  /** Throws on a compressed message: the client never offers an encoding, so none may come. */
  push(chunk: Buffer): void {
    let at = 0;
    if (this.head) {
      chunk = Buffer.concat([this.head, chunk]);
      this.head = undefined;
    }
    while (at < chunk.length) {
      const body = this.body;
      if (body) {
        const take = Math.min(body.length - this.bodyFilled, chunk.length - at);
        chunk.copy(body, this.bodyFilled, at, at + take);
        this.bodyFilled += take;
        at += take;
        if (this.bodyFilled === body.length) {
          this.body = undefined;
          this.onMessage(body);
        }
        continue;
      }
      if (chunk.length - at < 5) {
        this.head = chunk.subarray(at);
        return;
      }
      if (chunk[at] !== 0) throw new Error('received a compressed gRPC message, but no compression was offered');
      const length = chunk.readUInt32BE(at + 1);
      at += 5;
      if (chunk.length - at >= length) {
        const message = chunk.subarray(at, at + length);
        at += length;
        this.onMessage(message);
      } else {
        this.body = Buffer.allocUnsafe(length);
        this.bodyFilled = 0;
      }
    }
  }

  /** True when a message was cut off (the stream ended inside one). */
  get isMidMessage(): boolean {
    return this.head !== undefined || this.body !== undefined;
  }
}
