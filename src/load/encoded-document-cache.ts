import type { GatewayTarget } from '../gateway/gateway-client.ts';
import type { InputSource } from '../inputs/input-source.ts';
import { encodeDocuments } from '../protocol/codec.ts';
import { documentToJson } from '../protocol/document-json.ts';
import type { DocarrayVersion, JinaDocument } from '../protocol/document.ts';

/**
 * Inputs of up to this many documents are encoded whole before the phase starts (`warm`):
 * the first pass's encoding then costs no phase time and no generator CPU during the phase
 * (16 clients × 1,000 texts: ~120 ms of the first seconds, 3 µs per request of a 4 s
 * phase). `take(size)` is one full pass, which leaves a cycling input where it was. Larger
 * inputs encode as they go, so a huge file does not delay the first request.
 */
const warmLimit = 10_000;

/**
 * Each document of a finite input encoded once, however many times the input cycles: an
 * input hands out the same document objects on every pass, so the protobuf bytes are looked
 * up by object identity (`PostRequest.encodedDocs`). A WeakMap, so a document the input
 * drops can be collected with its bytes.
 */
export class EncodedDocumentCache {
  private readonly bytes = new WeakMap<JinaDocument, Uint8Array>();

  constructor(private readonly docarray: DocarrayVersion) {}

  /** A cache when it pays: protobuf framing (JSON transports ignore bytes) and a finite input. */
  static forInputs(target: GatewayTarget, framing: 'bytes' | 'json', inputs: readonly InputSource[]): EncodedDocumentCache | undefined {
    const isFinite = inputs.every((input) => Number.isFinite(input.size));
    return sendsProtobuf(target, framing) && isFinite ? new EncodedDocumentCache(target.docarray) : undefined;
  }

  /** See warmDocumentCache. */
  warm(inputs: readonly InputSource[]): void {
    for (const input of inputs) if (input.size <= warmLimit) this.encode(input.take(input.size));
  }

  encode(docs: readonly JinaDocument[]): Uint8Array[] {
    const encoded = new Array<Uint8Array>(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      let bytes = this.bytes.get(doc);
      if (bytes === undefined) {
        bytes = encodeDocuments([doc], this.docarray)[0]!;
        this.bytes.set(doc, bytes);
      }
      encoded[i] = bytes;
    }
    return encoded;
  }
}

/** gRPC and WebSocket with bytes framing send DataRequestProto bytes; the rest send JSON. */
export function sendsProtobuf(target: GatewayTarget, framing: 'bytes' | 'json'): boolean {
  return target.protocol === 'grpc' || (target.protocol === 'websocket' && framing === 'bytes');
}

/**
 * The HTTP client's counterpart: each document of a finite input serialised to JSON once
 * (`PostRequest.jsonDocs`), looked up by object identity as above. Building the body from
 * documents was a quarter of our own CPU per HTTP request at request_size 1.
 */
export class JsonDocumentCache {
  private readonly texts = new WeakMap<JinaDocument, string>();

  constructor(private readonly docarray: DocarrayVersion) {}

  /** A cache when it pays: the HTTP client (WebSocket JSON framing builds its own frames) and a finite input. */
  static forInputs(target: GatewayTarget, inputs: readonly InputSource[]): JsonDocumentCache | undefined {
    const isFinite = inputs.every((input) => Number.isFinite(input.size));
    return target.protocol === 'http' && isFinite ? new JsonDocumentCache(target.docarray) : undefined;
  }

  /** See warmDocumentCache. */
  warm(inputs: readonly InputSource[]): void {
    for (const input of inputs) if (input.size <= warmLimit) this.serialise(input.take(input.size));
  }

  serialise(docs: readonly JinaDocument[]): string[] {
    const texts = new Array<string>(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      let text = this.texts.get(doc);
      if (text === undefined) {
        text = JSON.stringify(documentToJson(doc, this.docarray));
        this.texts.set(doc, text);
      }
      texts[i] = text;
    }
    return texts;
  }
}
