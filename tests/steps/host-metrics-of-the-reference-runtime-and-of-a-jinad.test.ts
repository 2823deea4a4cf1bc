import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { formatStepSummary } from '../../src/report/format-step-summary.ts';
import { startReferenceFlow, type RunningReferenceFlow } from '../../src/reference-runtime/start-reference-flow.ts';
import { runLoadStep } from '../../src/steps/run-load-step.ts';
import { loadParams } from '../load/support/load-params.ts';
import { startTestAgent, type TestAgent } from '../agent/test-agent.ts';
import { loadStepContext } from './support/load-step-job.ts';

const token = 'reference-metrics-token';
let agent: TestAgent;
let jinad: Server | undefined;
let jinadFlow: RunningReferenceFlow | undefined;

beforeAll(async () => {
  agent = await startTestAgent({ runtime: 'reference', token });
});
afterAll(async () => {
  await agent.agent.close();
  await jinadFlow?.stop();
  jinad?.close();
});

test('reference runtime: the agent process is one row serving the gateway and executors; in the generator process it says so; its CPU is the process CPU', { timeout: 60_000 }, async () => {
  const workspaceId = (await agent.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a.txt', content: 'a' }] })).body;
  const flowId = (
    await agent.call('POST', '/flows', {
      parts: [
        { name: 'flow', filename: 'flow.yml', content: 'jtype: Flow\nwith:\n  protocol: grpc\n  port: ${{ ENV.JINA_PORT }}\nexecutors:\n  - {name: worker, uses: FaultExecutor, uses_with: {cpu_ms: 3}}\n' },
        { name: 'workspace_id', content: workspaceId },
      ],
    })
  ).body as string;
  const daemon = createDaemonClient({ host: '127.0.0.1', port: agent.address.port, token });
  const { context } = await loadStepContext({ daemon, flowId });
  const before = process.cpuUsage();
  const outcome = await runLoadStep(context, 'index', loadParams({ numClients: 2, executionTimeS: 3 }));
  const cpu = process.cpuUsage(before);
  const rssNow = process.memoryUsage.rss();

  expect(outcome.failure).toBeUndefined();
  const metrics = outcome.report!.hostMetrics!;
  if (metrics.status !== 'sampled') throw new Error(metrics.reason);
  const label = `127.0.0.1:${agent.address.port}`;
  expect(metrics.agents).toEqual([expect.objectContaining({ status: 'sampled', agent: label, isGeneratorProcess: true })]);
  expect(metrics.processes).toHaveLength(1);
  const row = metrics.processes[0]!;
  expect(row).toMatchObject({ agent: label, role: 'agent', serves: ['gateway', 'worker'], pids: [process.pid], includesGenerator: true });
  expect(metrics.notes).toEqual(
    expect.arrayContaining([
      `the agent at ${label} runs in this generator's process: its row includes the load generator`,
      `reference runtime on ${label}: gateway, worker run inside the agent's own process, reported as one row`,
    ]),
  );
  expect(metrics.executors).toEqual([expect.objectContaining({ name: 'agent process (gateway, worker)', includesGenerator: true })]);
  // Ground truth from this very process: the seconds inside the phase hold most of the CPU it
  // used around the step (the rest is the step's setup and the seconds after the phase).
  const sampledS = row.seconds.reduce((sum, second) => sum + second.cpuCores, 0);
  const usedS = (cpu.user + cpu.system) / 1e6;
  expect(sampledS).toBeGreaterThan(usedS * 0.5);
  expect(sampledS).toBeLessThan(usedS * 1.15 + 0.05);
  expect(row.peakRssBytes).toBeGreaterThan(rssNow * 0.5);
  expect(row.peakRssBytes).toBeLessThan(rssNow * 1.5);
  expect(formatStepSummary(outcome.report!)).toContain(`busiest process agent process (with the generator) [gateway, worker] on ${label}`);
});

test('a JinaD without a metrics endpoint: the step says host metrics are unavailable, and passes', { timeout: 60_000 }, async () => {
  jinadFlow = await startReferenceFlow({ flowYaml: 'jtype: Flow\nwith: {protocol: grpc, port: 0}\nexecutors:\n  - {name: worker, uses: PassThrough}\n', workdir: process.cwd() });
  const gateway = jinadFlow.gateways[0]!;
  const calls: string[] = [];
  // JinaD 1.x's routes the step uses, and FastAPI's 404 for every other one.
  jinad = createServer((request, response) => {
    calls.push(`${request.method} ${request.url}`);
    response.setHeader('content-type', 'application/json');
    if (request.method === 'GET' && request.url === '/flows/jinad-flow') {
      response.end(JSON.stringify({ workspace_id: 'w', yaml_source: '', gateway: { host: gateway.host, port: gateway.port, protocol: 'grpc' } }));
      return;
    }
    response.statusCode = 404;
    response.end('{"detail":"Not Found"}');
  });
  await new Promise<void>((resolve) => jinad!.listen(0, '127.0.0.1', resolve));
  const port = (jinad.address() as { port: number }).port;
  const { context } = await loadStepContext({ daemon: createDaemonClient({ host: '127.0.0.1', port }), flowId: 'jinad-flow' });
  const outcome = await runLoadStep(context, 'index', loadParams({ numClients: 1, executionTimeS: 1 }));

  expect(outcome.failure).toBeUndefined();
  expect(calls).toContain('POST /metrics/windows');
  expect(outcome.report!.hostMetrics).toEqual({
    status: 'unavailable',
    reason: `127.0.0.1:${port}: the daemon has no host metrics (POST /metrics/windows → 404)`,
  });
  expect(formatStepSummary(outcome.report!)).toContain('host metrics unavailable (127.0.0.1:');
  expect(outcome.artifacts!.map((artifact) => artifact.name)).not.toContain('host-metrics.csv');
  const chart = outcome.artifacts!.find((artifact) => artifact.name === 'CPU and memory per process')!.body as string;
  expect(chart).toContain('host metrics unavailable: 127.0.0.1:');
});
