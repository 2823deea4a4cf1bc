import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayServer } from '../../../src/reference-runtime/gateway/gateway-handler.ts';
import { startHttpGatewayServer } from '../../../src/reference-runtime/gateway/http-gateway-server.ts';
import { createScriptedFlowHandler } from '../../gateway/scripted-flow-handler.ts';

async function call(server: GatewayServer, method: string, path: string, body?: unknown): Promise<{ status: number; type: string; text: string; json: any }> {
  const response = await fetch(`http://${server.host}:${server.port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, type, text, json: type.startsWith('application/json') && text ? JSON.parse(text) : undefined };
}

const v1DocKeys = ['id', 'parent_id', 'granularity', 'adjacency', 'blob', 'tensor', 'mime_type', 'text', 'weight', 'uri', 'tags', 'offset', 'location', 'embedding', 'modality', 'evaluations', 'scores', 'chunks', 'matches'];

describe('HTTP gateway, docarray v1 routes', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startHttpGatewayServer({ protocol: 'http', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('lists its POST paths in /openapi.json', async () => {
    const { json } = await call(server, 'GET', '/openapi.json');
    expect(Object.keys(json.paths)).toEqual(['/post', '/index', '/search', '/update', '/delete']);
    expect(Object.keys(json.paths['/update'])).toEqual(['put']);
  });

  it('answers /post with the JinaResponseModel: camelCase header and routes, snake_case documents with nulls', async () => {
    const { status, json } = await call(server, 'POST', '/post', {
      execEndpoint: '/search',
      data: [{ id: 'a', text: 'x', mime_type: 'text/plain', tags: { i: 0, j: 1, k: 2 } }],
      parameters: { k: 1 },
    });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['header', 'parameters', 'routes', 'data']);
    expect(json.header).toEqual({ requestId: expect.stringMatching(/^[0-9a-f]{32}$/), status: null, execEndpoint: '/search', targetExecutor: '' });
    expect(json.routes[0]).toEqual({ executor: 'gateway', startTime: expect.stringMatching(/\.\d{6}\+00:00$/), endTime: expect.stringMatching(/\+00:00$/), status: null });
    expect(Object.keys(json.data[0])).toEqual(v1DocKeys);
    // pydantic 1 reads top-level tag values 0 and 1 as booleans (verified §1.13).
    expect(json.data[0]).toMatchObject({ id: 'a', text: 'x', mime_type: 'text/plain', blob: null, tags: { i: false, j: true, k: 2 } });
  });

  it('fixes the endpoint on CRUD routes, accepts {docs: [...]} and snake_case, and checks methods', async () => {
    const update = await call(server, 'PUT', '/update', { exec_endpoint: '/ignored', data: { docs: [{ id: 'u' }] } });
    expect(update.status).toBe(200);
    expect(update.json.header.execEndpoint).toBe('/update');
    expect(update.json.data.map((d: { id: string }) => d.id)).toEqual(['u']);
    expect((await call(server, 'POST', '/update', {})).status).toBe(405);
    expect((await call(server, 'POST', '/nope', {})).status).toBe(404);
    expect((await call(server, 'POST', '/post', '{not json')).status).toBe(422);
  });

  it('answers a body without data with 0 docs and endpoint "/"', async () => {
    const { status, json } = await call(server, 'POST', '/post', {});
    expect(status).toBe(200);
    expect(json.header.execEndpoint).toBe('/');
    expect(json.data).toEqual([]);
  });

  it('keeps executor errors at 200 (status in the header) and answers 503 echoing the request when a deployment is down', async () => {
    const failed = await call(server, 'POST', '/index', { data: [{ id: 'f' }], parameters: { fail_executor: 'indexer' } });
    expect(failed.status).toBe(200);
    expect(failed.json.header.status).toMatchObject({ code: 1, exception: { executor: 'indexer' } });
    const unavailable = await call(server, 'POST', '/index', { data: [{ id: 'f', text: 'down' }], parameters: { unavailable_executor: 'encoder' } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.header).toMatchObject({
      execEndpoint: '',
      targetExecutor: '',
      status: { code: 1, exception: { name: "<class 'jina.excepts.InternalNetworkError'>", args: [], executor: '' } },
    });
    expect(unavailable.json.header.status.description).toContain('Communication error with deployment encoder at address');
    expect(unavailable.json.data).toMatchObject([{ id: 'f', text: 'down' }]); // the request echoed back
  });
});

describe('HTTP gateway, docarray v2 routes', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startHttpGatewayServer({ protocol: 'http', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('serves POST /<endpoint> for each bound endpoint and no /post', async () => {
    const { json } = await call(server, 'GET', '/openapi.json');
    expect(Object.keys(json.paths)).toEqual(['/index', '/search']);
    expect((await call(server, 'POST', '/post', { data: [] })).status).toBe(404);
  });

  it('answers {data, parameters, header: {request_id, target_executor}} only, keeping header.request_id', async () => {
    const { status, json } = await call(server, 'POST', '/search', { data: [{ id: 'one', url: 'http://x' }], header: { request_id: 'mine' } });
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['data', 'parameters', 'header']);
    expect(json.header).toEqual({ request_id: 'mine', target_executor: '' });
    expect(json.data[0]).toEqual({ id: 'one', tensor: null, chunks: null, matches: expect.any(Array), blob: null, text: null, url: 'http://x', embedding: null, tags: expect.any(Object), scores: null });
  });

  it("takes a single document's id as the request id when there is no header", async () => {
    const { json } = await call(server, 'POST', '/search', { data: { id: 'solo' } });
    expect(json.header.request_id).toBe('solo');
  });

  it('refuses a camelCase header and a body without data with 422', async () => {
    const camel = await call(server, 'POST', '/search', { data: [], header: { requestId: 'x' } });
    expect(camel.status).toBe(422);
    expect(camel.json.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'header', 'request_id'], msg: 'Field required' });
    const empty = await call(server, 'POST', '/search', {});
    expect(empty.status).toBe(422);
    expect(empty.json.detail[0]).toMatchObject({ loc: ['body', 'data'] });
  });

  it('answers 500 {detail} when an executor raised, 500 plain text when a deployment is down', async () => {
    const raised = await call(server, 'POST', '/index', { data: [], parameters: { fail_executor: 'indexer' } });
    expect(raised.status).toBe(500);
    expect(raised.json).toEqual({ detail: 'indexer raised ValueError' });
    const down = await call(server, 'POST', '/index', { data: [], parameters: { unavailable_executor: 'encoder' } });
    expect(down.status).toBe(500);
    expect(down.type).toBe('text/plain; charset=utf-8');
    expect(down.text).toBe('Internal Server Error');
  });
});
