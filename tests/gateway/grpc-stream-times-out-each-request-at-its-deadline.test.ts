import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGrpcClient } from '../../src/gateway/grpc-client.ts';
import type { PostResult } from '../../src/gateway/gateway-client.ts';
import type { GatewayServer } from '../../src/reference-runtime/gateway/gateway-handler.ts';
import { startGrpcGatewayServer } from '../../src/reference-runtime/gateway/grpc-gateway-server.ts';
import { watchTimerLag } from '../load/support/timer-lag.ts';
import { createScriptedFlowHandler } from './scripted-flow-handler.ts';

/**
 * The stream keeps one timer for all its requests' timeouts (armed for the oldest deadline).
 * Each request must still time out at its own deadline — not at the first one's, not late by
 * the others' — and answers that arrive in time are unaffected.
 */
describe('gRPC stream timeouts with several requests in flight', () => {
  let server: GatewayServer;
  beforeAll(async () => {
    server = await startGrpcGatewayServer({ protocol: 'grpc', port: 0, docarray: 'v1', handler: createScriptedFlowHandler() });
  });
  afterAll(() => server.close());

  it('times out each hanging request at its own deadline while answered ones succeed', async () => {
    // The answer lands between the two deadlines (sent one spacing after the first request,
    // answered after answerDelayMs): 150 ms before its own deadline, so a loaded machine's
    // timers (the server shares this event loop) do not turn it into a timeout.
    const timeoutMs = 600;
    const spacingMs = 300;
    const answerDelayMs = 450;
    const client = createGrpcClient({ target: { host: server.host, port: server.port, protocol: 'grpc', docarray: 'v1' }, prefetch: 4, requestTimeoutMs: timeoutMs });
    await client.connect();
    // The stream's timer shares this event loop: on a loaded machine it can be no more
    // punctual than a bare timer, whose lateness is measured meanwhile.
    const lag = watchTimerLag();
    const settledAt = (promise: Promise<PostResult>): Promise<[PostResult, number]> => promise.then((result) => [result, performance.now()]);
    const first = settledAt(client.post({ endpoint: '/index', docs: [], parameters: { hang: true }, requestId: 'first' }));
    await new Promise((resolve) => setTimeout(resolve, spacingMs));
    const second = settledAt(client.post({ endpoint: '/index', docs: [], parameters: { hang: true }, requestId: 'second' }));
    const answered = await client.post({ endpoint: '/index', docs: [{ id: 'ok' }], parameters: { delay_ms: answerDelayMs }, requestId: 'answered' });
    const [[firstResult, firstAt], [secondResult, secondAt]] = await Promise.all([first, second]);
    const next = await client.post({ endpoint: '/index', docs: [{ id: 'n' }] });
    await client.close();
    lag.stop();

    expect(answered.status).toBe('ok');
    expect(firstResult).toMatchObject({ status: 'timeout', requestId: 'first', timeoutMs });
    expect(secondResult).toMatchObject({ status: 'timeout', requestId: 'second', timeoutMs });
    for (const result of [firstResult, secondResult]) {
      expect(result.roundTripMs).toBeGreaterThanOrEqual(timeoutMs - 1);
      // At its own deadline, not at the other's (one spacing later) nor after the answer.
      expect(result.roundTripMs).toBeLessThan(timeoutMs + lag.maxLagMs() + 20);
    }
    // Sent at least one spacing apart, so they time out about that far apart.
    expect(secondAt - firstAt).toBeGreaterThan(spacingMs - lag.maxLagMs() - 20);
    expect(next.status).toBe('ok');
  });
});
