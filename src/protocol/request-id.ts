import { randomUUID } from 'node:crypto';
import protobuf from 'protobufjs';

/** A uuid hex string, as Jina's `random_identity()` makes request ids. */
export function newRequestId(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * Reads `header.request_id` (DataRequestProto 1 → HeaderProto 1) without decoding the rest,
 * so a response whose documents fail to decode can still be matched to its request.
 * Returns undefined when the bytes are not a DataRequestProto with a header.
 */
export function peekRequestId(bytes: Uint8Array): string | undefined {
  try {
    const header = findLengthDelimited(bytes, 1);
    if (!header) return undefined;
    const id = findLengthDelimited(header, 1);
    return id ? Buffer.from(id.buffer, id.byteOffset, id.byteLength).toString('utf8') : '';
  } catch {
    return undefined;
  }
}

/**
 * True when the bytes are a DataRequestProto holding nothing but `header.request_id`: what
 * Jina 3.34's gateway sends before ending a stream whose deployment it cannot reach
 * (docs/jina-protocols-verified.md §1.9). Read from the wire, so it holds whether or not the
 * documents were decoded.
 */
export function isRequestIdOnly(bytes: Uint8Array): boolean {
  try {
    const reader = protobuf.Reader.create(bytes);
    if (reader.len === 0 || reader.uint32() !== headerTag) return false;
    const header = reader.bytes();
    if (reader.pos !== reader.len) return false;
    const inner = protobuf.Reader.create(header);
    if (inner.len === 0) return true;
    if (inner.uint32() !== requestIdTag) return false;
    inner.skip(inner.uint32());
    return inner.pos === inner.len;
  } catch {
    return false;
  }
}

const headerTag = (1 << 3) | 2;
const requestIdTag = (1 << 3) | 2;

function findLengthDelimited(bytes: Uint8Array, field: number): Uint8Array | undefined {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === field && (tag & 7) === 2) return reader.bytes();
    reader.skipType(tag & 7);
  }
  return undefined;
}
