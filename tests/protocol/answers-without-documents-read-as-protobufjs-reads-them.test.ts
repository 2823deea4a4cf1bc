import { describe, expect, it } from 'vitest';
import { createSeededRandom, type SeededRandom } from '../../src/seeded-random.ts';
import { decodeDataRequest, encodeDataRequest } from '../../src/protocol/codec.ts';
import type { DataRequest, Route, Status } from '../../src/protocol/data-request.ts';
import type { DocarrayVersion } from '../../src/protocol/document.ts';
import { headerFromMessage, routeFromMessage, type HeaderMessage, type RouteMessage } from '../../src/protocol/header-message.ts';
import type { JsonObject, JsonValue } from '../../src/protocol/json-value.ts';
import { protoTypes } from '../../src/protocol/proto-types.ts';
import { readDataRequestWithoutDocs } from '../../src/protocol/read-data-request-without-docs.ts';
import { structToJson } from '../../src/protocol/struct.ts';
import { captureBytes, dataRequestCaptures } from '../fidelity/jina-captures.ts';

/**
 * `decodeDataRequest(…, { skipDocs })` reads common answers by hand and leaves the rest to
 * protobufjs. Ground truth here is the path it replaced, written out: protobufjs'
 * DataRequestProtoWoData decoder and the same conversions. On every generated answer and on
 * every mutation of one (bytes flipped, inserted, removed, cut), both give the same request
 * — or both throw.
 */
function protobufjsWithoutDocs(bytes: Uint8Array, docarray: DocarrayVersion): DataRequest {
  const message = protoTypes(docarray).dataRequestWithoutData.decode(bytes) as unknown as {
    header?: HeaderMessage | null;
    parameters?: { fields?: Record<string, unknown> } | null;
    routes?: RouteMessage[];
  };
  return { header: headerFromMessage(message.header), parameters: structToJson(message.parameters), routes: (message.routes ?? []).map(routeFromMessage), docs: [] };
}

function outcome(read: () => DataRequest): { value: DataRequest } | { threw: true } {
  try {
    return { value: read() };
  } catch {
    return { threw: true };
  }
}

const pick = <T,>(random: SeededRandom, items: readonly T[]): T => items[random.integer(0, items.length - 1)]!;
const asciiId = (random: SeededRandom): string => Array.from({ length: random.integer(0, 40) }, () => String.fromCharCode(random.integer(32, 126))).join('');
const anyText = (random: SeededRandom): string => pick(random, [asciiId(random), 'é中😀', `${asciiId(random)}\u0000\n"\\`, '']);

function jsonValue(random: SeededRandom, depth: number): JsonValue {
  switch (random.integer(0, depth > 2 ? 3 : 5)) {
    case 0:
      return null;
    case 1:
      return random.integer(-1e6, 1e6) / pick(random, [1, 7, 1000]);
    case 2:
      return anyText(random);
    case 3:
      return random.next() < 0.5;
    case 4:
      return Array.from({ length: random.integer(0, 3) }, () => jsonValue(random, depth + 1));
    default:
      return jsonObject(random, depth + 1);
  }
}

function jsonObject(random: SeededRandom, depth: number): JsonObject {
  const object: JsonObject = {};
  for (let i = random.integer(0, 3); i > 0; i--) object[anyText(random)] = jsonValue(random, depth);
  return object;
}

function status(random: SeededRandom): Status {
  return { code: random.integer(0, 1), description: anyText(random), exception: { name: 'ValueError', args: [anyText(random)], stacks: ['Traceback'], executor: asciiId(random) } };
}

function answer(random: SeededRandom): DataRequest {
  const header: DataRequest['header'] = { requestId: random.next() < 0.9 ? asciiId(random) : anyText(random) };
  if (random.next() < 0.7) header.execEndpoint = pick(random, ['/index', '/search', '', anyText(random)]);
  if (random.next() < 0.3) header.targetExecutor = pick(random, ['', 'enc.*', anyText(random)]);
  if (random.next() < 0.2) header.timeout = random.integer(0, 2 ** 31 - 1);
  if (random.next() < 0.1) header.status = status(random);
  const routes: Route[] = Array.from({ length: random.integer(0, 4) }, () => {
    const route: Route = { executor: random.next() < 0.9 ? pick(random, ['gateway', 'encoder', 'indexer', asciiId(random)]) : anyText(random) };
    const start = pick(random, [1_765_000_000_000_000 + random.integer(0, 1e9), 0, random.integer(0, 999_999), undefined]);
    if (start !== undefined) route.startUs = start;
    if (random.next() < 0.8) route.endUs = (start ?? 0) + random.integer(0, 5_000_000);
    if (random.next() < 0.05) route.status = status(random);
    return route;
  });
  const parameters = random.next() < 0.5 ? { __results__: {} } : jsonObject(random, 0);
  const docs = Array.from({ length: random.integer(0, 3) }, (_, i) => ({ id: `d${i}`, text: anyText(random) }));
  return { header, parameters, routes, docs };
}

describe.each(['v1', 'v2'] as const)('answers without documents, docarray %s', (docarray) => {
  it('read the same as protobufjs reads them, and the common ones by hand', () => {
    const random = createSeededRandom(`answers-${docarray}`);
    let byHand = 0;
    let parametersByHand = 0;
    for (let n = 0; n < 3000; n++) {
      const request = answer(random);
      const bytes = encodeDataRequest(request, docarray);
      expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual(protobufjsWithoutDocs(bytes, docarray));
      const read = readDataRequestWithoutDocs(bytes);
      if (read) byHand++;
      if (read?.parameters && Object.keys(read.parameters).length > 1) parametersByHand++;
    }
    // Answers without a status and with ASCII names are the load generator's common case.
    expect(byHand).toBeGreaterThan(1000);
    expect(parametersByHand).toBeGreaterThan(100);
  });

  it('real Jina 3.34 captures (gRPC and WebSocket answers, an error, an executor down) read as protobufjs reads them', () => {
    let byHand = 0;
    for (const name of dataRequestCaptures) {
      const bytes = captureBytes(docarray, `${name}.bin`);
      expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual(protobufjsWithoutDocs(bytes, docarray));
      if (readDataRequestWithoutDocs(bytes)) byHand++;
    }
    // The successful index and search answers at least (errors carry a status: protobufjs).
    expect(byHand).toBeGreaterThanOrEqual(4);
  });

  it('a Jina-shaped answer is read by hand: request id, endpoint, routes with times, the documents skipped', () => {
    const request: DataRequest = {
      header: { requestId: 'f'.repeat(32), execEndpoint: '/index', targetExecutor: '' },
      parameters: { __results__: { indexer: { count: 2 } } },
      routes: [
        { executor: 'gateway', startUs: 1_765_000_000_123_456, endUs: 1_765_000_000_125_000 },
        { executor: 'pass', startUs: 1_765_000_000_124_000, endUs: 1_765_000_000_124_500 },
      ],
      docs: [{ id: 'a', text: 'one' }, { id: 'b', text: 'two' }],
    };
    const bytes = encodeDataRequest(request, docarray);
    expect(readDataRequestWithoutDocs(bytes)).toBeDefined();
    expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual({ ...request, docs: [] });
  });

  it('fields that occur twice: merged messages as protobufjs merges them, the last string', () => {
    // Two answers back to back: protobufjs merges the two headers and parameters (left to it).
    const random = createSeededRandom(`twice-${docarray}`);
    for (let n = 0; n < 500; n++) {
      const bytes = Uint8Array.from([...encodeDataRequest(answer(random), docarray), ...encodeDataRequest(answer(random), docarray)]);
      expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual(protobufjsWithoutDocs(bytes, docarray));
    }
    // One header with request_id twice and one route with executor twice: read by hand, the last wins.
    const text = (field: number, value: string): number[] => [(field << 3) | 2, value.length, ...Buffer.from(value)];
    const header = [...text(1, 'first'), ...text(1, 'last'), ...text(3, '/index')];
    const route = [...text(1, 'encoder'), ...text(1, 'indexer')];
    const bytes = Uint8Array.from([(1 << 3) | 2, header.length, ...header, (3 << 3) | 2, route.length, ...route]);
    expect(readDataRequestWithoutDocs(bytes)).toBeDefined();
    expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual(protobufjsWithoutDocs(bytes, docarray));
    expect(decodeDataRequest(bytes, docarray, { skipDocs: true }).header.requestId).toBe('last');
  });

  it('Struct values at their edges: a bool written as 2, a null, -0, a nested list, as protobufjs reads them', () => {
    const field = (number: number, wire: number, body: number[]): number[] => [(number << 3) | wire, ...(wire === 2 ? [body.length] : []), ...body];
    const entry = (key: string, value: number[]): number[] => field(1, 2, [...field(1, 2, [...Buffer.from(key)]), ...field(2, 2, value)]);
    const negativeZero = [...Buffer.from(new Float64Array([-0]).buffer)];
    const struct = [
      ...entry('bool', field(4, 0, [2])),
      ...entry('null', field(1, 0, [0])),
      ...entry('zero', [(2 << 3) | 1, ...negativeZero]),
      ...entry('list', field(6, 2, [...field(1, 2, field(3, 2, [...Buffer.from('x')])), ...field(1, 2, field(4, 0, [0]))])),
    ];
    const bytes = Uint8Array.from(field(2, 2, struct));
    expect(readDataRequestWithoutDocs(bytes)?.parameters).toBeDefined();
    const expected = protobufjsWithoutDocs(bytes, docarray);
    expect(expected.parameters).toStrictEqual({ bool: true, null: null, zero: -0, list: ['x', false] });
    expect(decodeDataRequest(bytes, docarray, { skipDocs: true })).toStrictEqual(expected);
  });

  it('mutated answers: the same request or the same refusal as protobufjs', () => {
    const random = createSeededRandom(`mutations-${docarray}`);
    for (let n = 0; n < 3000; n++) {
      const valid = encodeDataRequest(answer(random), docarray);
      const bytes = Uint8Array.from(valid);
      let mutated: Uint8Array = bytes;
      const at = random.integer(0, Math.max(0, bytes.length - 1));
      switch (random.integer(0, 3)) {
        case 0:
          bytes[at] = random.integer(0, 255);
          break;
        case 1:
          mutated = Uint8Array.from([...bytes.subarray(0, at), random.integer(0, 255), ...bytes.subarray(at)]);
          break;
        case 2:
          mutated = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
          break;
        default:
          mutated = bytes.subarray(0, at);
      }
      const expected = outcome(() => protobufjsWithoutDocs(mutated, docarray));
      const actual = outcome(() => decodeDataRequest(mutated, docarray, { skipDocs: true }));
      if ('threw' in expected) expect(actual).toEqual({ threw: true });
      else expect(actual).toStrictEqual(expected);
    }
  });
});
