import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayClient } from '../../src/gateway/gateway-client.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGatewayServer } from '../../src/reference-runtime/gateway/start-gateway-server.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/**
 * The HTTP client reads an answer's header, parameters and routes by its own code (route
 * timestamps by character position, the header by plain property reads): checked on real
 * answers of the reference HTTP gateway whose documents and parameters are full of what a
 * hand-written reader gets wrong — quotes, backslashes, brackets and keys inside strings,
 * escapes, line separators, astral characters — with and without the documents decoded.
 * Route times are checked against the clock read around the post (the handler stamps them
 * with the same clock), so a misread timestamp cannot pass.
 */
const trickyTexts = [
  'a "quoted" word and a backslash \\ and \\"',
  '], "data": [{"id": "fake"}], "routes": [] }',
  'brackets {[( )]} and a colon: "x":1,',
  'line\nbreak\ttab\r\u2028\u2029 and \u0000 nul',
  'astral 😀 and é and 中文 and \ud7ff',
  '2026-12-06T00:00:00.000000+00:00',
];
const trickyParameters = {
  note: 'a "routes": [{"executor": "x"}] } {',
  nested: { list: [1, 'x]', { y: '}' }, null, true, -0.5e3], empty: {} },
  escaped: '\\u0041 is not A',
};

const nowMicros = (): number => Math.floor((performance.timeOrigin + performance.now()) * 1000);

describe.each([true, false])('HTTP client, docarray v1, decodeDocs %s', (decodeDocs) => {
  let server: GatewayServer;
  let client: GatewayClient;

  beforeAll(async () => {
    server = await startGatewayServer({ protocol: 'http', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
    client = createGatewayClient({ target: { host: server.host, port: server.port, protocol: 'http', docarray: 'v1' }, prefetch: 1, decodeDocs });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('reads header, parameters and routes exactly, whatever the strings around them hold', async () => {
    const docs = trickyTexts.map((text, i) => ({ id: `doc-"${i}"\\`, text, tags: { key: text } }));
    const before = nowMicros();
    const result = await client.post({ endpoint: '/index', docs, parameters: trickyParameters });
    const after = nowMicros();
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    const { header, parameters, routes } = result.response;
    // HTTP v1 sends no request id: the gateway's own comes back in the answer's header.
    expect(header.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(header.execEndpoint).toBe('/index');
    expect(parameters).toEqual({ ...trickyParameters, __results__: { indexer: { count: trickyTexts.length } } });
    expect(routes.map((route) => route.executor)).toEqual(['gateway', 'encoder', 'indexer']);
    for (const route of routes) {
      expect(Number.isInteger(route.startUs) && Number.isInteger(route.endUs)).toBe(true);
      expect(route.startUs!).toBeGreaterThanOrEqual(before);
      expect(route.endUs!).toBeLessThanOrEqual(after);
      expect(route.endUs!).toBeGreaterThanOrEqual(route.startUs!);
    }
    // The gateway's span holds both executors' spans.
    const [gateway, encoder, indexer] = routes;
    expect(encoder!.startUs!).toBeGreaterThanOrEqual(gateway!.startUs!);
    expect(indexer!.endUs!).toBeLessThanOrEqual(gateway!.endUs!);
    if (decodeDocs) {
      expect(result.response.docs.map((doc) => [doc.id, doc.text, doc.tags?.key])).toEqual(docs.map((doc) => [doc.id, doc.text, doc.text]));
      expect(result.response.docs.map((doc) => doc.matches?.[0]?.text)).toEqual(trickyTexts);
    } else {
      expect(result.response.docs).toEqual([]);
    }
  });
});
