import { describe, expect, it } from 'vitest';
import { encodePostRequest } from '../../src/gateway/post-request-encoding.ts';
import { decodeDataRequest, decodeEndpoints, decodeJinaInfo, decodeStatus, encodeDataRequest, encodeStatus } from '../../src/protocol/codec.ts';
import { statusToProtobufJson } from '../../src/protocol/data-request-json.ts';
import type { DocarrayVersion, JinaDocument } from '../../src/protocol/document.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';
import { tensorToNumbers } from '../../src/protocol/tensor.ts';
import { parseRfc3339 } from '../../src/protocol/timestamp.ts';
import { captureBytes, captureJson, dataRequestCaptures, docarrayVersions } from './jina-captures.ts';

/** A summarised document as the probes wrote it (v1: set fields only; v2: every field, nulls). */
type SummaryDoc = {
  id: string;
  text?: string | null;
  tags?: JsonObject | null;
  adjacency?: number;
  scores?: Record<string, number | { value: number }> | null;
  embedding?: { dtype: string; shape: number[]; head: number[] } | null;
  tensor?: { dtype: string; shape: number[]; head: number[] } | null;
  matches?: SummaryDoc[] | null;
};

function expectDocument(ours: JinaDocument, summary: SummaryDoc, where: string): void {
  expect(ours.id, where).toBe(summary.id);
  expect(ours.text ?? null, `${where}.text`).toBe(summary.text ?? null);
  expect(ours.tags ?? {}, `${where}.tags`).toEqual(summary.tags ?? {});
  for (const field of ['embedding', 'tensor'] as const) {
    const expected = summary[field];
    if (!expected) {
      expect(ours[field], `${where}.${field}`).toBeUndefined();
      continue;
    }
    expect({ dtype: ours[field]?.dtype, shape: ours[field]?.shape }, `${where}.${field}`).toEqual({ dtype: expected.dtype, shape: expected.shape });
    const head = tensorToNumbers(ours[field]!).slice(0, expected.head.length);
    head.forEach((value, i) => expect(value, `${where}.${field}[${i}]`).toBeCloseTo(expected.head[i]!, 5));
  }
  if (summary.adjacency !== undefined) expect(ours.adjacency, `${where}.adjacency`).toBe(summary.adjacency);
  for (const [name, score] of Object.entries(summary.scores ?? {})) {
    expect(ours.scores?.[name]?.value, `${where}.scores.${name}`).toBeCloseTo(typeof score === 'number' ? score : score.value, 6);
  }
  const matches = summary.matches ?? [];
  expect(ours.matches?.length ?? 0, `${where}.matches`).toBe(matches.length);
  matches.forEach((match, i) => expectDocument(ours.matches![i]!, match, `${where}.matches[${i}]`));
}

describe.each(docarrayVersions)('captured DataRequestProto bytes from Jina 3.34, docarray %s', (docarray: DocarrayVersion) => {
  it.each(dataRequestCaptures)('%s decodes to what the probe saw: ids, status, routes, parameters, documents', (name) => {
    const summary = captureJson(docarray, `${name}.json`).summary;
    const decoded = decodeDataRequest(captureBytes(docarray, `${name}.bin`), docarray);
    expect(decoded.header.requestId).toBe(summary.header.request_id);
    expect(decoded.header.execEndpoint).toBe(summary.header.exec_endpoint);
    expect(decoded.header.targetExecutor).toBe(summary.header.target_executor);
    expect(decoded.header.status?.code).toBe(summary.header.status?.code);
    expect(decoded.header.status?.exception?.executor).toBe(summary.header.status?.exception?.executor);
    expect(decoded.parameters).toEqual(summary.parameters ?? {});
    const routes = (summary.routes ?? []) as Array<{ executor: string; start_time?: string; end_time?: string; status?: { code: number } }>;
    expect(decoded.routes.map((route) => route.executor)).toEqual(routes.map((route) => route.executor));
    routes.forEach((route, i) => {
      expect(decoded.routes[i]!.startUs).toBe(route.start_time ? parseRfc3339(route.start_time) : undefined);
      expect(decoded.routes[i]!.endUs).toBe(route.end_time ? parseRfc3339(route.end_time) : undefined);
      expect(decoded.routes[i]!.status?.code).toBe(route.status?.code);
    });
    const docs = (Array.isArray(summary.docs) ? summary.docs : []) as SummaryDoc[];
    expect(decoded.docs).toHaveLength(docs.length);
    docs.forEach((doc, i) => expectDocument(decoded.docs[i]!, doc, `docs[${i}]`));
  });

  it('the executor error names the class in exception.executor and the deployment on its route', () => {
    const decoded = decodeDataRequest(captureBytes(docarray, 'grpc-error-response.bin'), docarray);
    expect(decoded.header.status).toMatchObject({ code: 1, exception: { name: 'StressFailure', executor: 'StressFailing' } });
    expect(decoded.routes.map((route) => [route.executor, route.status?.code])).toEqual([
      ['gateway', undefined],
      ['encoder', undefined],
      ['failing', 1],
    ]);
  });

  it('the message before UNAVAILABLE holds only the request id', () => {
    const bytes = captureBytes(docarray, 'grpc-executor-down-response.bin');
    expect(bytes.byteLength).toBe(14);
    expect(decodeDataRequest(bytes, docarray)).toEqual({ header: { requestId: 'after-kill' }, parameters: {}, routes: [], docs: [] });
  });

  it('dry run: a healthy gateway answers the empty StatusProto, and ours encodes success the same', () => {
    const ok = captureBytes(docarray, 'grpc-dry-run-ok.bin');
    expect(ok.byteLength).toBe(0);
    expect(decodeStatus(ok)).toEqual({ code: 0, description: '' });
    expect(encodeStatus({ code: 0, description: '' }).byteLength).toBe(0);
    expect(captureBytes(docarray, 'ws-dry-run-ok.bin').byteLength).toBe(0);
    const failed = decodeStatus(captureBytes(docarray, 'grpc-dry-run-error.bin'));
    expect(statusToProtobufJson(failed)).toEqual(captureJson(docarray, 'grpc-dry-run-error.json').status);
  });

  it('_status decodes into the jina and envs maps the probe listed', () => {
    const sidecar = captureJson(docarray, 'grpc-status-info.json');
    const info = decodeJinaInfo(captureBytes(docarray, 'grpc-status-info.bin'));
    expect(Object.keys(info.jina).sort()).toEqual(sidecar.jina_keys);
    expect(Object.keys(info.envs).sort()).toEqual(sidecar.envs_keys);
    expect(info.jina.jina).toBe('3.34.0');
  });
});

describe('re-encoding what Jina sent', () => {
  // docarray v1: our encoder writes exactly Jina's bytes (field order, packed floats, Struct
  // doubles). The request-id-only message is left out: we would add an empty parameters and data.
  it.each(dataRequestCaptures.filter((name) => name !== 'grpc-executor-down-response'))('v1 %s: byte-identical', (name) => {
    const bytes = captureBytes('v1', `${name}.bin`);
    expect(Buffer.from(encodeDataRequest(decodeDataRequest(bytes, 'v1'), 'v1')).equals(bytes)).toBe(true);
  });

  it.each(['grpc-index-request', 'grpc-search-request'])("v1 %s: our client's request for the same post is Jina's client's, byte for byte", (name) => {
    const bytes = captureBytes('v1', `${name}.bin`);
    const request = decodeDataRequest(bytes, 'v1');
    const { __results__: _reserved, ...parameters } = request.parameters;
    const ours = encodePostRequest({ endpoint: request.header.execEndpoint!, docs: request.docs, parameters }, request.header.requestId, 'v1');
    expect(Buffer.from(ours).equals(bytes)).toBe(true);
  });

  // docarray v2: Jina writes every LegacyDocument field (unset ones as empty NodeProtos); we write
  // only the set ones, which the gateway accepts (verified §2). Same content, fewer bytes.
  it.each(dataRequestCaptures.filter((name) => name !== 'grpc-executor-down-response'))('v2 %s: same content, no more bytes', (name) => {
    const bytes = captureBytes('v2', `${name}.bin`);
    const decoded = decodeDataRequest(bytes, 'v2');
    const ours = encodeDataRequest(decoded, 'v2');
    expect(ours.byteLength).toBeLessThanOrEqual(bytes.byteLength);
    expect(decodeDataRequest(ours, 'v2')).toEqual(decoded);
  });

  it('v2 endpoint discovery lists the endpoints, _jina_dry_run_ and /default', () => {
    const sidecar = captureJson('v2', 'grpc-endpoints.json');
    const endpoints = decodeEndpoints(captureBytes('v2', 'grpc-endpoints.bin'));
    expect(endpoints.endpoints).toEqual(sidecar.endpoints);
    expect(endpoints.endpoints).toEqual(expect.arrayContaining(['_jina_dry_run_', '/default']));
    expect(endpoints.writeEndpoints).toEqual([]);
    expect(Object.keys(endpoints.schemas ?? {}).sort()).toEqual(sidecar.schema_endpoints);
  });
});
