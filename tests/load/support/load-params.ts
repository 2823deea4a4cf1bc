import type { LoadStepParams } from '../../../src/load/load-params.ts';

/** LoadStepParams as the config loader produces them for a small grpc step, with overrides. */
export function loadParams(overrides: Partial<LoadStepParams> = {}): LoadStepParams {
  return {
    client: 'grpc',
    numClients: 1,
    requestSize: 1,
    executionTimeS: 2,
    endpoint: '/index',
    parameters: {},
    inputs: { method: 'random_texts', kwargs: { num_docs: 50 } },
    prefetch: 1,
    grpcMode: 'stream',
    websocketFraming: 'bytes',
    requestTimeoutMs: 10_000,
    thresholds: {},
    maxViolations: 0,
    abortOnFail: false,
    workers: 0,
    ...overrides,
  };
}
