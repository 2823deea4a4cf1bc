import { StressError } from '../errors.ts';
import type { ExecutorStartSpec, FlowRuntime, FlowStartRequest, RunningFlow } from './flow-runtime.ts';
import { LogTail } from './log-tail.ts';

const lateStopWaitMs = 10_000;

/**
 * Loads the reference runtime's Flow code (gateways, simulated executors, grpc-js' server)
 * without starting anything. The embedded agent of a run calls it once it listens, so the
 * import happens while Vitest starts the suite worker rather than inside the first start_flow.
 */
export function preloadReferenceFlow(): void {
  import('../reference-runtime/start-reference-flow.ts').catch(() => undefined);
}

/**
 * The in-process reference runtime from src/reference-runtime (no Python). Imported on first use so an
 * agent that only runs `process` flows never loads the simulated executors.
 */
export function createReferenceFlowRuntime(): FlowRuntime {
  return {
    async start(request) {
      if (request.executor) return startReferenceExecutor(request, request.executor);
      const { startReferenceFlow } = await import('../reference-runtime/start-reference-flow.ts');
      const starting = startReferenceFlow({
        flowYaml: request.flowYaml,
        flowPath: request.flowFile,
        workdir: request.workdir,
        host: request.host,
        environment: request.environment,
      });
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<string>((resolve) => {
        if (request.timeoutReadyMs !== undefined) {
          const timeoutMs = request.timeoutReadyMs;
          timer = setTimeout(() => resolve(`gateway did not start within ${timeoutMs} ms`), timeoutMs);
        }
        request.signal.addEventListener('abort', () => resolve(`start cancelled: ${String(request.signal.reason?.message)}`), {
          once: true,
        });
      });
      const outcome = await Promise.race([starting, gaveUp]).finally(() => clearTimeout(timer));
      if (typeof outcome === 'string') {
        // The start may still succeed later: stop whatever it brings up, and wait for that
        // (bounded), so a cancelled start cannot write into a workspace deleted right after.
        const stopped = starting.then((late) => late.stop(), () => {});
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, lateStopWaitMs).unref())]);
        throw new StressError('FLOW_NOT_READY', `reference flow failed to start: ${outcome}`);
      }
      const logs = new LogTail(50);
      const ports = outcome.gateways.map((gateway) => `${gateway.protocol}:${gateway.port}`).join(', ');
      logs.push(`[agent] reference flow serving ${ports} (docarray ${outcome.docarray})`);
      return {
        // Bound when startReferenceFlow resolves: the servers accept connections already.
        gateways: outcome.gateways,
        stop: () => outcome.stop(),
        logTail: () => logs.snapshot(),
        metrics: { kind: 'in-agent', serves: ['gateway', ...outcome.executors] },
      } satisfies RunningFlow;
    },
  };
}

/** One reference executor served over Jina's executor gRPC protocol (`POST /executors`). */
async function startReferenceExecutor(request: FlowStartRequest, executor: ExecutorStartSpec): Promise<RunningFlow> {
  const { startExecutorServer } = await import('../reference-runtime/executor-server/start-executor-server.ts');
  request.signal.throwIfAborted();
  let server;
  try {
    server = await startExecutorServer({
      name: executor.name,
      uses: executor.uses,
      usesWith: executor.usesWith,
      shardIndex: executor.shardIndex,
      shardCount: executor.shardCount,
      workdir: request.workdir,
      docarray: executor.docarray,
      host: request.host,
      port: executor.port,
    });
  } catch (error) {
    throw new StressError('FLOW_NOT_READY', `reference executor ${executor.name} failed to start: ${(error as Error).message}`);
  }
  const logs = new LogTail(50);
  logs.push(`[agent] reference executor ${executor.name} (${executor.uses}) serving grpc:${server.port} (docarray ${executor.docarray})`);
  return {
    gateways: [{ protocol: 'grpc', host: server.host, port: server.port }],
    stop: () => server.close(),
    logTail: () => logs.snapshot(),
    metrics: { kind: 'in-agent', serves: [executor.name] },
  };
}
