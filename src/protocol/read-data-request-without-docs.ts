import type { DataRequest, RequestHeader, Route } from './data-request.ts';
import type { JsonObject, JsonValue } from './json-value.ts';

/**
 * DataRequestProto bytes → header, routes and the raw parameters, read by hand for the load
 * generator's answers when no check reads their documents (`skipDocs`): the counterpart of
 * the hand-written request writer (write-client-request.ts). protobufjs' generated decoders,
 * its string checks and our conversion cost ~3 µs per answer in the WebSocket generator's
 * profile.
 *
 * It reads only what it can read exactly as protobufjs and codec.ts do, and gives up
 * (undefined) on anything else: a status anywhere (an error answer), an unknown field, a
 * wire type that is not the field's, a varint longer than 5 bytes or ≥ 2^31, a length past
 * the end, a string that is not plain ASCII, a message field that occurs twice (protobufjs
 * merges the two). The caller then decodes the bytes with protobufjs, which returns the same
 * or throws its own error. A string or number field that occurs twice: the last wins, as
 * protobufjs assigns. The parameters (a Struct) are read by hand too when plain (readStruct),
 * else handed back as their bytes for protobufjs.
 */
export interface DataRequestWithoutDocs {
  header: RequestHeader;
  /** The parameters as structToJson gives them, when read by hand. */
  parameters: JsonObject | undefined;
  /** Their bytes when not (an unusual Struct), for protobufjs; both undefined: none sent. */
  parametersBytes: Uint8Array | undefined;
  routes: Route[];
}

export function readDataRequestWithoutDocs(bytes: Uint8Array): DataRequestWithoutDocs | undefined {
  const reader = new Reader(bytes);
  let header: RequestHeader | undefined;
  // The parameters' field by position: a `subarray` per answer (a Buffer built, ~120 bytes of
  // garbage) showed in the WebSocket generator's allocation profile; only a Struct left to
  // protobufjs needs its bytes.
  let parametersAt = -1;
  let parametersEnd = -1;
  const routes: Route[] = [];
  while (reader.at < bytes.length) {
    const tag = reader.varint(bytes.length);
    const end = (tag & 7) === 2 ? reader.lengthEnd(bytes.length) : -1;
    if (end < 0) return undefined;
    switch (tag >>> 3) {
      case 1:
        if (header) return undefined;
        header = readHeader(reader, end);
        if (!header) return undefined;
        break;
      case 2:
        if (parametersAt >= 0) return undefined;
        parametersAt = reader.at;
        parametersEnd = end;
        break;
      case 3: {
        const route = readRoute(reader, end);
        if (!route) return undefined;
        routes.push(route);
        break;
      }
      case 4:
        // The documents: skipped unread, as protobufjs skips the field DataRequestProtoWoData lacks.
        break;
      default:
        return undefined;
    }
    reader.at = end;
  }
  if (reader.isBroken) return undefined;
  if (parametersAt < 0) return { header: header ?? { requestId: '' }, parameters: undefined, parametersBytes: undefined, routes };
  // The same reader, done with the message: every read below is bounded by parametersEnd.
  reader.at = parametersAt;
  let parameters: JsonObject | undefined = readStruct(reader, parametersEnd);
  if (reader.isBroken) parameters = undefined;
  return { header: header ?? { requestId: '' }, parameters, parametersBytes: parameters ? undefined : bytes.subarray(parametersAt, parametersEnd), routes };
}

/** A DataRequest from what was read and the parameters (read by hand or converted by the caller). */
export function dataRequestWithoutDocs(read: DataRequestWithoutDocs, parameters: JsonObject): DataRequest {
  return { header: read.header, parameters, routes: read.routes, docs: [] };
}

/**
 * google.protobuf.Struct → JSON as structToJson gives it from protobufjs' message: entries in
 * wire order, each Value with exactly one kind. Anything else (a key twice, `__proto__`, a
 * Value with no kind or two, a field it does not know) breaks the reader: protobufjs decides.
 */
function readStruct(reader: Reader, end: number): JsonObject | undefined {
  const object: JsonObject = {};
  while (reader.at < end) {
    if (reader.varint(end) !== ((1 << 3) | 2)) return reader.broken();
    const entryEnd = reader.lengthEnd(end);
    if (entryEnd < 0) return undefined;
    if (reader.varint(entryEnd) !== ((1 << 3) | 2)) return reader.broken();
    const key = reader.ascii(entryEnd);
    if (reader.isBroken || key === '__proto__' || Object.hasOwn(object, key)) return reader.broken();
    if (reader.varint(entryEnd) !== ((2 << 3) | 2)) return reader.broken();
    const valueEnd = reader.lengthEnd(entryEnd);
    if (valueEnd < 0 || valueEnd !== entryEnd) return reader.broken();
    const value = readValue(reader, valueEnd);
    if (reader.isBroken) return undefined;
    object[key] = value!;
  }
  return object;
}

function readValue(reader: Reader, end: number): JsonValue | undefined {
  if (reader.at >= end) return reader.broken();
  const tag = reader.varint(end);
  let value: JsonValue | undefined;
  switch (tag) {
    case (1 << 3) | 0:
      reader.varint(end);
      value = null;
      break;
    case (2 << 3) | 1:
      value = reader.double(end);
      break;
    case (3 << 3) | 2:
      value = reader.ascii(end);
      break;
    case (4 << 3) | 0:
      value = reader.varint(end) !== 0;
      break;
    case (5 << 3) | 2: {
      const structEnd = reader.lengthEnd(end);
      value = structEnd < 0 ? undefined : readStruct(reader, structEnd);
      break;
    }
    case (6 << 3) | 2: {
      const listEnd = reader.lengthEnd(end);
      value = listEnd < 0 ? undefined : readList(reader, listEnd);
      break;
    }
    default:
      return reader.broken();
  }
  // Exactly one kind: a second field in the same Value is protobufjs' to resolve.
  if (reader.isBroken || reader.at !== end) return reader.broken();
  return value;
}

function readList(reader: Reader, end: number): JsonValue[] | undefined {
  const list: JsonValue[] = [];
  while (reader.at < end) {
    if (reader.varint(end) !== ((1 << 3) | 2)) return reader.broken();
    const valueEnd = reader.lengthEnd(end);
    if (valueEnd < 0) return undefined;
    const value = readValue(reader, valueEnd);
    if (reader.isBroken) return undefined;
    list.push(value!);
  }
  return list;
}

function readHeader(reader: Reader, end: number): RequestHeader | undefined {
  const header: RequestHeader = { requestId: '' };
  while (reader.at < end) {
    const tag = reader.varint(end);
    switch (tag) {
      case (1 << 3) | 2:
        header.requestId = reader.ascii(end);
        break;
      case (3 << 3) | 2:
        header.execEndpoint = reader.ascii(end);
        break;
      case (4 << 3) | 2:
        header.targetExecutor = reader.ascii(end);
        break;
      case (5 << 3) | 0:
        header.timeout = reader.varint(end);
        break;
      default:
        // A status (field 2: an error answer) or anything unknown: protobufjs reads it.
        return undefined;
    }
    if (reader.isBroken) return undefined;
  }
  return header;
}

function readRoute(reader: Reader, end: number): Route | undefined {
  const route: Route = { executor: '' };
  while (reader.at < end) {
    const tag = reader.varint(end);
    switch (tag) {
      case (1 << 3) | 2:
        route.executor = reader.ascii(end);
        break;
      case (2 << 3) | 2:
      case (3 << 3) | 2: {
        const isStart = tag >>> 3 === 2;
        if ((isStart ? route.startUs : route.endUs) !== undefined) return undefined;
        const timestampEnd = reader.lengthEnd(end);
        if (timestampEnd < 0) return undefined;
        const micros = readTimestampMicros(reader, timestampEnd);
        if (micros === undefined) return undefined;
        if (isStart) route.startUs = micros;
        else route.endUs = micros;
        break;
      }
      default:
        return undefined;
    }
    if (reader.isBroken) return undefined;
  }
  return route;
}

/** google.protobuf.Timestamp → epoch µs, as timestampToMicros computes it. */
function readTimestampMicros(reader: Reader, end: number): number | undefined {
  let seconds = 0;
  let nanos = 0;
  while (reader.at < end) {
    const tag = reader.varint(end);
    if (tag === ((1 << 3) | 0)) seconds = reader.varint(end);
    else if (tag === ((2 << 3) | 0)) nanos = reader.varint(end);
    else return undefined;
    if (reader.isBroken) return undefined;
  }
  return seconds * 1_000_000 + Math.floor(nanos / 1000);
}

/** Node's Buffer string slicing without the encoding lookup `toString` does per call. */
interface Latin1Slicing {
  latin1Slice(start: number, end: number): string;
}

/** A cursor over one message; a read it cannot do exactly sets `isBroken`. */
class Reader {
  isBroken = false;
  at = 0;
  private readonly buffer: Buffer & Latin1Slicing;

  constructor(private readonly bytes: Uint8Array) {
    this.buffer = (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as Buffer & Latin1Slicing;
  }

  /** A varint of at most 5 bytes below 2^31, before `end`: what protobufjs' uint32, int32 and int64 read then. */
  varint(end: number): number {
    const bytes = this.bytes;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.at >= end) return this.brokenNumber();
      const byte = bytes[this.at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
    if (this.at >= end) return this.brokenNumber();
    const last = bytes[this.at++]!;
    // Bits 28-30 only: a value of 2^31 or more (or a longer varint) is left to protobufjs.
    if (last > 0x07) return this.brokenNumber();
    return value + last * 0x10000000;
  }

  /** Reads a length and returns where the field ends; -1 when it would end past `end`. */
  lengthEnd(end: number): number {
    const length = this.varint(end);
    const fieldEnd = this.at + length;
    if (this.isBroken || fieldEnd > end) {
      this.isBroken = true;
      return -1;
    }
    return fieldEnd;
  }

  /** A length-delimited string of ASCII bytes (anything else: broken, protobufjs decides). */
  ascii(end: number): string {
    const stringEnd = this.lengthEnd(end);
    if (stringEnd < 0) return '';
    const bytes = this.bytes;
    for (let i = this.at; i < stringEnd; i++) {
      if (bytes[i]! > 0x7f) {
        this.isBroken = true;
        return '';
      }
    }
    const text = this.buffer.latin1Slice(this.at, stringEnd);
    this.at = stringEnd;
    return text;
  }

  /** A little-endian double before `end`. */
  double(end: number): number {
    if (this.at + 8 > end) return this.brokenNumber();
    const value = this.buffer.readDoubleLE(this.at);
    this.at += 8;
    return value;
  }

  broken(): undefined {
    this.isBroken = true;
    return undefined;
  }

  private brokenNumber(): number {
    this.isBroken = true;
    return 0;
  }
}
