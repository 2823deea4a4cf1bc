import { STATUS_ERROR, type DataRequest, type Route } from '../../src/protocol/data-request.ts';
import { createTensor, tensorToNumbers } from '../../src/protocol/tensor.ts';
import { ExecutorUnavailableError, type GatewayHandler } from '../../src/reference-runtime/gateway/gateway-handler.ts';

/**
 * A small real Flow handler for the wire tests, steered by request parameters:
 * - `delay_ms`: wait before answering;
 * - `after`: then also wait until the request with this id has been answered (an order of
 *   completion that holds however late each request arrives on a loaded machine);
 * - `fail_executor`: answer with an ERROR status raised by that executor;
 * - `unavailable_executor`: reject with ExecutorUnavailableError;
 * - `hang`: never answer (for client timeouts).
 * Otherwise it echoes the documents through two "executors" (`encoder`, `indexer`): tags gain
 * `seen_by`, each document gets one match (itself, embedding doubled) scored 1.
 */
export function createScriptedFlowHandler(): GatewayHandler & { completed: string[]; concurrency: { active: number; max: number } } {
  const completed: string[] = [];
  const concurrency = { active: 0, max: 0 };
  const answered = new Map<string, { promise: Promise<void>; resolve(): void }>();
  const whenAnswered = (requestId: string): { promise: Promise<void>; resolve(): void } => {
    let entry = answered.get(requestId);
    if (!entry) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      entry = { promise, resolve };
      answered.set(requestId, entry);
    }
    return entry;
  };
  return {
    completed,
    concurrency,
    async process(request: DataRequest): Promise<DataRequest> {
      concurrency.active++;
      concurrency.max = Math.max(concurrency.max, concurrency.active);
      try {
        const after = request.parameters.after;
        const response = await answer(request, completed, typeof after === 'string' ? whenAnswered(after).promise : undefined);
        whenAnswered(request.header.requestId).resolve();
        return response;
      } finally {
        concurrency.active--;
      }
    },
    async dryRun() {
      return { code: 0, description: '' };
    },
    info() {
      return { jina: { jina: '3.34.0', 'jina-stress': 'reference' }, envs: { JINA_LOG_LEVEL: 'INFO' } };
    },
    endpoints() {
      return ['/index', '/search'];
    },
  };
}

async function answer(request: DataRequest, completed: string[], predecessor: Promise<void> | undefined): Promise<DataRequest> {
  const gatewayStart = nowMicros();
  const { delay_ms: delayMs, fail_executor: failExecutor, unavailable_executor: unavailable, hang } = request.parameters;
  if (hang === true) await new Promise(() => {});
  if (typeof delayMs === 'number') await new Promise((resolve) => setTimeout(resolve, delayMs));
  if (predecessor) await predecessor;
  if (typeof unavailable === 'string') {
    // Jina's description (verified §1.9): the client reads the deployment from it.
    const message = `failed to connect to all addresses |Gateway: Communication error with deployment ${unavailable} at address(es) {'127.0.0.1:1'}. Head or worker(s) may be down.`;
    throw new ExecutorUnavailableError(unavailable, message);
  }
  const routes: Route[] = [];
  for (const executor of ['encoder', 'indexer']) {
    const startUs = nowMicros();
    await new Promise((resolve) => setImmediate(resolve));
    routes.push({ executor, startUs, endUs: nowMicros() });
  }
  completed.push(request.header.requestId);
  const response: DataRequest = {
    header: { ...request.header },
    parameters: { ...request.parameters, __results__: { indexer: { count: request.docs.length } } },
    routes: [{ executor: 'gateway', startUs: gatewayStart, endUs: nowMicros() }, ...routes],
    docs: request.docs.map((doc) => ({
      ...doc,
      tags: { ...doc.tags, seen_by: ['encoder', 'indexer'] },
      matches: [
        {
          id: `${doc.id}-match`,
          text: doc.text,
          tags: { source: doc.id },
          ...(doc.embedding ? { embedding: createTensor(new Float32Array(tensorToNumbers(doc.embedding).map((v) => v * 2))) } : {}),
          scores: { cosine: { value: 1, opName: 'cosine' } },
        },
      ],
    })),
  };
  if (typeof failExecutor === 'string') {
    response.header.status = {
      code: STATUS_ERROR,
      description: `${failExecutor} raised ValueError`,
      exception: { name: 'ValueError', args: ['bad input'], stacks: ['Traceback ...'], executor: failExecutor },
    };
  }
  return response;
}

function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}
