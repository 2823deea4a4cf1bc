import { once } from 'node:events';
import { rm, writeFile } from 'node:fs/promises';
import { basename, delimiter, relative } from 'node:path';
import { StressError } from '../errors.ts';
import { processEnvironment } from './flow-environment.ts';
import { readFlowGateways } from './flow-gateways.ts';
import type { ExecutorStartSpec, FlowRuntime, FlowRuntimeSettings, FlowStartRequest, RunningFlow, RuntimeGateway } from './flow-runtime.ts';
import { JinaProcessNames } from './jina-process-names.ts';
import { LogTail } from './log-tail.ts';
import { spawnProcessGroup, type ProcessExit, type ProcessGroup } from './process-group.ts';
import { executorProbe } from './executor-probe.ts';
import { acceptsConnections, probeHostFor, waitForGateways } from './readiness-probes.ts';

type StartOutcome =
  | { status: 'ready' }
  | { status: 'exited'; exit: ProcessExit }
  | { status: 'timeout'; timeoutMs: number; pendingReasons: string[] }
  | { status: 'cancelled'; reason: string };

const commandHint =
  'install Jina in a Python environment and set JINA_PYTHON=/path/to/bin/python (or --jina-bin), ' +
  'or set JINA_STRESS_PROCESS_COMMAND to a command template with {file}';

/**
 * Runs a command per Flow (default `jina flow --uses {file}`) in the workspace folder, as its
 * own process group. Template placeholders: `{file}` (the Flow file, relative to the
 * workspace), `{path}` (absolute), `{workdir}`.
 */
export function createProcessFlowRuntime(settings: FlowRuntimeSettings): FlowRuntime {
  return {
    async start(request) {
      const { executor } = request;
      const gateways: RuntimeGateway[] = executor
        ? [{ protocol: 'grpc', host: request.host, port: executor.port }]
        : readFlowGateways(request.flowYaml, request.environment).map((port) => ({ ...port, host: request.host }));
      for (const gateway of gateways) {
        // Someone else on the port would make the readiness probe succeed for the wrong server.
        if (await acceptsConnections({ host: probeHostFor(gateway.host), port: gateway.port }, 1000)) {
          throw new StressError('FLOW_NOT_READY', `gateway port ${gateway.port} is already in use`, {
            hint: 'terminate the flow or program listening there, or give this Flow another port',
          });
        }
      }
      if (executor && executor.shards > 1) {
        // Replaces whatever has that name (an upload, a link the workspace's code made) rather
        // than writing through it: rm removes a link itself, 'wx' refuses anything made meanwhile.
        await rm(request.flowFile, { force: true });
        await writeFile(request.flowFile, shardedDeploymentFlow(executor, request.workdir), { flag: 'wx' });
      }
      const [command, ...args] = executor
        ? executorCommand(settings.processCommand, executor, request.workdir, request.flowFile)
        : settings.processCommand.map((part) => fillTemplate(part, request));
      const commandLine = [command, ...args].join(' ');
      const group = spawnProcessGroup({
        command: command as string,
        args,
        cwd: request.workdir,
        env: childEnvironment(request.environment, settings.processPathPrefix),
      });
      if (group.pid !== undefined) settings.processGroups.started(group.pid, basename(request.workdir));
      const stopGroup = async () => {
        await group.stop(settings.stopGraceMs);
        if (group.pid !== undefined) settings.processGroups.stopped(group.pid);
      };
      const logs = new LogTail(50);
      const names = new JinaProcessNames();
      logs.onLine((line) => names.readLine(line));
      logs.follow(group.stdout);
      logs.follow(group.stderr);
      const streamsClosed = Promise.all([once(group.stdout, 'close'), once(group.stderr, 'close')]);
      void group.exited.then((exit) => logs.push(`[agent] flow process ${describeExit(exit)}`));

      const outcome = await waitUntilReady(group, gateways, request);
      if (outcome.status === 'ready') {
        return {
          gateways,
          stop: stopGroup,
          logTail: () => logs.snapshot(),
          ...(group.pid !== undefined
            ? {
                metrics: {
                  kind: 'process-group',
                  pgid: group.pid,
                  names,
                  ...(executor ? { executor: executor.name } : { gatewayPorts: gateways.map((gateway) => gateway.port) }),
                } as const,
              }
            : {}),
        } satisfies RunningFlow;
      }
      await stopGroup();
      // Let the pipes drain so the tail holds the process's last words.
      await Promise.race([streamsClosed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      const logTail = logs.snapshot();
      const where = gateways.map((g) => `${g.protocol}:${g.port}`).join(', ');
      if (outcome.status === 'exited' && outcome.exit.status === 'spawn-error') {
        throw new StressError('AGENT_RUNTIME', `cannot run "${commandLine}": ${outcome.exit.message}`, {
          hint: commandHint,
          details: { logTail },
        });
      }
      const why =
        outcome.status === 'exited'
          ? `${describeExit(outcome.exit)} before its gateway (${where}) answered`
          : outcome.status === 'timeout'
            ? `gateway (${where}) did not answer within ${outcome.timeoutMs} ms (${outcome.pendingReasons.join('; ')})`
            : `start cancelled: ${outcome.reason}`;
      const firstErrors = logs.firstErrors();
      const logged = firstErrors.length > 0 ? `; it logged: ${clip(firstErrors.join(' | '), 600)}` : '';
      throw new StressError('FLOW_NOT_READY', `flow "${commandLine}" failed to start: ${why}${logged}`, {
        hint: "the flow's last log lines are in the answer's `body`",
        details: { logTail, firstErrors },
      });
    },
  };
}

async function waitUntilReady(
  group: ProcessGroup,
  gateways: RuntimeGateway[],
  request: FlowStartRequest,
): Promise<StartOutcome> {
  const probing = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const waiting = waitForGateways(gateways, probing.signal, request.executor ? { probe: executorProbe } : {});
  const timedOut = new Promise<StartOutcome>((resolve) => {
    if (request.timeoutReadyMs === undefined) return;
    const timeoutMs = request.timeoutReadyMs;
    timer = setTimeout(() => resolve({ status: 'timeout', timeoutMs, pendingReasons: waiting.pendingReasons() }), timeoutMs);
  });
  const cancelled = new Promise<StartOutcome>((resolve) => {
    const onAbort = () => resolve({ status: 'cancelled', reason: String(request.signal.reason?.message ?? request.signal.reason) });
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener('abort', onAbort, { once: true });
  });
  const ready = waiting.ready.then(
    (): StartOutcome => ({ status: 'ready' }),
    () => new Promise<StartOutcome>(() => {}),
  );
  const exited = group.exited.then((exit): StartOutcome => ({ status: 'exited', exit }));
  try {
    return await Promise.race([ready, exited, timedOut, cancelled]);
  } finally {
    clearTimeout(timer);
    probing.abort();
  }
}

/**
 * `jina executor --name … --uses … --port …`, with the `jina` of the Flow command (an argv
 * array: nothing goes through a shell). The worker binds all interfaces (Jina's default).
 * `--name` matters: a worker without one cannot return a dict (it keys `__results__` by None
 * and protobuf raises TypeError). `--workspace` is the agent's workspace folder, where an
 * executor's state (an indexer's saved index) stays.
 *
 * A sharded executor is `jina flow --uses <flowFile>` instead (shardedDeploymentFlow): `jina
 * executor --shards N` starts one worker, not a Deployment, and `jina deployment` always puts a
 * gateway on the port (it ignores `include_gateway: false` from YAML, Jina 3.34), where a remote
 * gateway needs the head.
 */
function executorCommand(processCommand: readonly string[], executor: ExecutorStartSpec, workdir: string, flowFile: string): string[] {
  const [jina, subcommand] = processCommand;
  if (!jina || subcommand !== 'flow') {
    throw new StressError('AGENT_RUNTIME', `this agent runs Flows with a custom command (${processCommand.join(' ')}); it cannot start a single executor`, {
      hint: 'start the agent with the default command (jina flow --uses {file}) or --jina-bin',
    });
  }
  if (executor.shards > 1) return [jina, 'flow', '--uses', flowFile];
  return [
    jina,
    'executor',
    '--name', executor.name,
    '--uses', executor.uses,
    ...(executor.pyModules.length > 0 ? ['--py-modules', ...executor.pyModules] : []),
    '--uses-with', JSON.stringify(executor.usesWith),
    '--port', String(executor.port),
    // Without it an executor with no workspace of its own saves under ~/.cache/jina: outside
    // the workspace, where nothing removes it and the next run would read it.
    '--workspace', workdir,
  ];
}

/**
 * A Flow of one sharded Deployment: inside a Flow, an executor's `port` is its head's, so the
 * head answers on `port` (what the remote gateway wires as `external`), polls the shards as
 * asked and merges their answers; the Flow's own gateway takes a free port and goes unused.
 * Written as JSON (valid YAML: every string quoted, so no value becomes a YAML tag); the route
 * refused `${` in `uses_with`, which Jina would substitute.
 */
function shardedDeploymentFlow(executor: ExecutorStartSpec, workdir: string): string {
  const deployment = {
    name: executor.name,
    uses: executor.uses,
    ...(executor.pyModules.length > 0 ? { py_modules: executor.pyModules } : {}),
    uses_with: executor.usesWith,
    shards: executor.shards,
    // The head balances each shard's requests across its replicas.
    ...(executor.replicas > 1 ? { replicas: executor.replicas } : {}),
    port: executor.port,
    polling: executor.polling ?? 'ANY',
    // Each shard keeps its state under <workdir>/<name>/<shard>, inside the workspace.
    workspace: workdir,
  };
  return `${JSON.stringify({ jtype: 'Flow', executors: [deployment] }, null, 2)}\n`;
}

function fillTemplate(part: string, request: FlowStartRequest): string {
  return part
    .replaceAll('{file}', relative(request.workdir, request.flowFile))
    .replaceAll('{path}', request.flowFile)
    .replaceAll('{workdir}', request.workdir);
}

/** The system variables a program needs, then the Flow's environment (an allow-list: see flow-environment). */
function childEnvironment(environment: Record<string, string>, pathPrefix: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = processEnvironment(environment);
  // Executors started by `jina` must find the same Python environment's tools.
  if (pathPrefix) env.PATH = [pathPrefix, env.PATH].filter(Boolean).join(delimiter);
  return env;
}

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function describeExit(exit: ProcessExit): string {
  if (exit.status === 'spawn-error') return `could not start (${exit.message})`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}
