import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayServer } from '../../../src/target/gateway/gateway-handler';
import { startHttpGatewayServer } from '../../../src/target/gateway/http-gateway-server';
import { createScriptedFlowHandler } from '../../gateway/scripted-flow-handler';

async function call(server: GatewayServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`http://${server.host}:${server.port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

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

  it('answers /post with the camelCase response model and +00:00 times', async () => {
    const { status, json } = await call(server, 'POST', '/post', { execEndpoint: '/search', data: [{ id: 'a', text: 'x', mimeType: 'text/plain' }], parameters: { k: 1 } });
    expect(status).toBe(200);
    expect(json.header).toMatchObject({ execEndpoint: '/search' });
    expect(json.header.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(json.routes[0].startTime).toMatch(/\+00:00$/);
    expect(json.data[0]).toMatchObject({ id: 'a', text: 'x', mimeType: 'text/plain' });
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

  it('keeps executor errors at 200 (status in the header) and answers 503 for an unavailable one', async () => {
    const failed = await call(server, 'POST', '/index', { data: [{ id: 'f' }], parameters: { fail_executor: 'indexer' } });
    expect(failed.status).toBe(200);
    expect(failed.json.header.status).toMatchObject({ code: 1, exception: { executor: 'indexer' } });
    const unavailable = await call(server, 'POST', '/index', { data: [{ id: 'f' }], parameters: { unavailable_executor: 'encoder' } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.json.header.status).toMatchObject({ code: 1, exception: { name: 'InternalNetworkError', executor: 'encoder' } });
    expect(unavailable.json.data).toEqual([{ id: 'f' }]); // the request echoed back
  });
});

describe('HTTP gateway, docarray v2 routes', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startHttpGatewayServer({ protocol: 'http', port: 0, docarray: 'v2', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('serves POST /<endpoint> for each handler endpoint and no /post', async () => {
    const { json } = await call(server, 'GET', '/openapi.json');
    expect(Object.keys(json.paths)).toEqual(['/index', '/search']);
    expect((await call(server, 'POST', '/post', {})).status).toBe(404);
  });

  it('honours header.requestId and accepts a single document as data', async () => {
    const { status, json } = await call(server, 'POST', '/search', { data: { id: 'one', url: 'http://x' }, header: { requestId: 'mine' } });
    expect(status).toBe(200);
    expect(json.header).toMatchObject({ requestId: 'mine', execEndpoint: '/search' });
    expect(json.data).toMatchObject([{ id: 'one', url: 'http://x' }]);
    expect(Object.keys(json)).toEqual(['data', 'parameters', 'header', 'routes']);
  });

  it('answers 499 with detail when an executor raised', async () => {
    const { status, json } = await call(server, 'POST', '/index', { data: [], parameters: { fail_executor: 'indexer' } });
    expect(status).toBe(499);
    expect(json.detail).toBe('indexer raised ValueError');
  });
});
