import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LoadResult } from '../../src/load/load-result.ts';
import { startExternalAgent, type ExternalAgent } from './support/external-agent.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { findAll, readBlob } from './support/read-blob.ts';
import { createStressProject, type StressProject, type StressRun } from './support/stress-project.ts';

// Issue 14 item 2: three generators (separate `vitest run` processes, each in its own project
// folder as on its own machine, blob reporter) against one agent. Segment 1 owns the
// workspace and the Flow; the others find the Flow through the agent by run id; every load
// phase starts at one moment agreed through the agent; segment 1 tears down once all are done.

const config = (agent: ExternalAgent, executionTimeS: number) => `
jobs:
  shared:
    daemon: { host: ${agent.host}, port: ${agent.port} }
    steps:
      - method: create_workspace
        files: [${referenceFlow('index-grpc.yml')}]
      - method: start_flow
        file: ${referenceFlow('index-grpc.yml')}
      - method: index
        execution_time: ${executionTimeS}
        num_clients: 3
        request_size: 2
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
      - method: terminate_flow
      - method: delete_workspace
`;

interface Generators {
  projects: StressProject[];
  runs: StressRun[];
  /** Each generator's load step result, from its blob (index → result). */
  parts: Map<number, LoadResult>;
}

async function runGenerators(
  agent: ExternalAgent,
  runId: string,
  options: { executionTimeS: number; timeoutS: number; killMidPhase?: number },
): Promise<Generators> {
  const projects = await Promise.all([1, 2, 3].map(() => createStressProject(config(agent, options.executionTimeS))));
  const runs = await Promise.all(
    projects.map((project, position) =>
      project.run(['--reporter=blob', `--outputFile=.vitest-reports/blob-${position + 1}.json`], {
        env: { STRESS_SEGMENT: `${position + 1}/3`, STRESS_RUN_ID: runId, STRESS_SEGMENT_TIMEOUT_S: String(options.timeoutS) },
        // Killed (process group, SIGKILL: no cleanup runs) once its phase has started.
        ...(options.killMidPhase === position + 1
          ? {
              onOutput: (chunk, child) => {
                if (chunk.includes('as agreed through the agent') && child.pid) setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 2500);
              },
            }
          : {}),
      }),
    ),
  );
  const parts = new Map<number, LoadResult>();
  for (const project of projects) {
    const dir = join(project.dir, '.vitest-reports');
    for (const file of await readdir(dir).catch(() => [])) {
      for (const part of findAll(await readBlob(join(dir, file)), 'segmentResult') as LoadResult[]) parts.set(part.segment!.index, part);
    }
  }
  return { projects, runs, parts };
}

/** A fourth project that merges the blobs the generators wrote (as the CI merge job does). */
async function mergeBlobs(generators: Generators, config: string): Promise<{ project: StressProject; run: StressRun }> {
  const project = await createStressProject(config);
  await mkdir(join(project.dir, '.vitest-reports'), { recursive: true });
  for (const [position, generator] of generators.projects.entries()) {
    const blob = join(generator.dir, '.vitest-reports', `blob-${position + 1}.json`);
    await copyFile(blob, join(project.dir, '.vitest-reports', `blob-${position + 1}.json`)).catch(() => undefined);
  }
  return { project, run: await project.run(['--merge-reports']) };
}

function stepRecords(run: StressRun): Record<string, { state: string; skipReason?: string }> {
  return Object.fromEntries((run.steps ?? []).map((record) => [record.step, record]));
}

describe('three generators through one agent', () => {
  let agent: ExternalAgent;
  let generators: Generators;
  let merge: { project: StressProject; run: StressRun };
  const projects: StressProject[] = [];

  beforeAll(async () => {
    agent = await startExternalAgent();
    generators = await runGenerators(agent, 'owner-run', { executionTimeS: 3, timeoutS: 60 });
    merge = await mergeBlobs(generators, config(agent, 3));
    projects.push(...generators.projects, merge.project);
  }, 240_000);

  afterAll(async () => {
    for (const project of projects) await project.remove();
    await agent?.close();
  });

  test('segment 1 runs the lifecycle; segments 2 and 3 skip it with that reason and load segment 1\'s Flow', async () => {
    for (const run of generators.runs) expect(run.exitCode, run.output).toBe(0);
    const owner = stepRecords(generators.runs[0]!);
    for (const step of ['create_workspace', 'start_flow', 'terminate_flow', 'delete_workspace']) expect(owner[step]?.state, step).toBe('passed');
    for (const run of generators.runs.slice(1)) {
      const steps = stepRecords(run);
      expect(steps['create_workspace']).toMatchObject({ state: 'skipped', skipReason: 'segment 1/3 owns the lifecycle: it runs create_workspace' });
      expect(steps['start_flow']?.state).toBe('skipped');
      expect(steps['start_flow']?.skipReason).toMatch(new RegExp(`^segment 1/3 owns the lifecycle: using its Flow \\S+, found through agent 127\\.0\\.0\\.1:${agent.port} for run owner-run$`));
      expect(steps['terminate_flow']?.skipReason).toContain('segment 1/3 owns the lifecycle: it tears down once every generator is done');
      expect(steps.index?.state).toBe('passed');
    }
    // and in each one's own Allure results, as the skipped test's description.
    const ownAllure = await readAllureResults(generators.projects[1]!);
    expect(ownAllure.find((result) => result.name === 'start_flow')).toMatchObject({
      status: 'skipped',
      description: expect.stringMatching(/^segment 1\/3 owns the lifecycle: using its Flow /),
    });
    // All three sent load to the one Flow segment 1 started: the same gateway port.
    const gateways = [...generators.parts.values()].map((part) => `${part.gateway.host}:${part.gateway.port}`);
    expect(new Set(gateways).size, gateways.join(', ')).toBe(1);
    expect([...generators.parts.keys()].sort()).toEqual([1, 2, 3]);
    expect([...generators.parts.values()].every((part) => part.okRequests > 0)).toBe(true);
  });

  test('the load phases start at the time agreed through the agent, and their per-second rows share wall-clock seconds', async () => {
    const agreed = await agent.barrier('owner-run', 'job0.step2.start');
    expect(agreed).toMatchObject({ status: 'released', released_by: 'all_arrived', arrived: [1, 2, 3], missing: [] });
    const startAtMs = Date.parse(agreed.start_at!);
    const seconds = [...generators.parts.values()].map((part) => {
      const startedMs = Date.parse(part.startedAt);
      // Same machine, same clock: none starts before the agreed moment, each within its first second.
      expect(startedMs, `segment ${part.segment?.index}`).toBeGreaterThanOrEqual(startAtMs - 1);
      expect(startedMs - startAtMs, `segment ${part.segment?.index}`).toBeLessThan(1000);
      return new Set(part.series.map((row) => Math.floor((startedMs + row.second * 1000) / 1000)));
    });
    // Wall-clock seconds every generator has a row for: all but at most one second at the edges.
    const shared = [...seconds[0]!].filter((second) => seconds.every((set) => set.has(second)));
    expect(shared.length).toBeGreaterThanOrEqual(Math.min(...seconds.map((set) => set.size)) - 1);
  });

  test('segment 1 tore down after every generator said it was done, and nothing is left on the agent', async () => {
    const done = await agent.barrier('owner-run', 'job0.step3.done');
    expect(done).toMatchObject({ status: 'released', released_by: 'all_arrived', missing: [] });
    expect(generators.runs[0]!.output).toContain('every generator (3) is done: tearing down');
    expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
  });

  test('the merge writes one Allure result per step: the load step from the merged result, the lifecycle as segment 1 ran it', async () => {
    expect(merge.run.exitCode, merge.run.output).toBe(0);
    const results = await readAllureResults(merge.project);
    expect(results.map((result) => result.name).sort(), merge.run.output).toEqual(['create_workspace', 'delete_workspace', 'index', 'start_flow', 'terminate_flow']);
    for (const result of results) expect(result.status, result.name).toBe('passed');
    const index = results.find((result) => result.name === 'index')!;
    expect(index.attachments.map((attachment) => attachment.name)).toEqual([
      'throughput and latency',
      // The agent every generator shares sampled the Flow's processes (segment 1's window).
      'CPU and memory per process',
      'time per executor',
      'where the round trip went',
      'summary.json',
      'per-second.csv',
      'host-metrics.csv',
      'latency percentiles (HDR, ms)',
      'generators',
    ]);
    const summary = JSON.parse(await index.read('summary.json')) as LoadResult;
    const parts = [...generators.parts.values()];
    expect(summary.requests).toBe(parts.reduce((total, part) => total + part.requests, 0));
    expect(summary.docs).toBe(parts.reduce((total, part) => total + part.docs, 0));
    expect(summary.mergedFrom?.generators.map((generator) => generator.segment)).toEqual([1, 2, 3]);
    // The CSV has the merged per-second rows: their requests add up to the merged count.
    const rows = (await index.read('per-second.csv')).trim().split('\n');
    const requestsColumn = rows[0]!.split(',').indexOf('requests');
    expect(rows.slice(1).reduce((total, row) => total + Number(row.split(',')[requestsColumn]), 0)).toBe(summary.requests);
    expect(await index.read('throughput and latency')).toContain('<svg');
    expect(await index.read('generators')).toMatch(/^3 generators merged: #1 cpu \d+% busy \d+%.*, #2 .*, #3 /);
  });
});

interface AllureResult {
  name: string;
  status: string;
  attachments: Array<{ name: string; source: string }>;
  read(attachment: string): Promise<string>;
}

async function readAllureResults(project: StressProject): Promise<AllureResult[]> {
  const dir = join(project.reportsDir, 'allure-results');
  const files = (await readdir(dir)).filter((file) => file.endsWith('-result.json'));
  return Promise.all(
    files.map(async (file) => {
      const result = JSON.parse(await readFile(join(dir, file), 'utf8')) as Omit<AllureResult, 'read'> & { steps: Array<{ attachments: AllureResult['attachments'] }> };
      // allure-js-commons wraps each attachment in a step of its own.
      const attachments = [...result.attachments, ...result.steps.flatMap((step) => step.attachments)];
      return {
        ...result,
        attachments,
        read: (name: string) => readFile(join(dir, attachments.find((attachment) => attachment.name === name)!.source), 'utf8'),
      };
    }),
  );
}

describe('a generator killed mid-phase', () => {
  let agent: ExternalAgent;
  let generators: Generators;
  let merge: { project: StressProject; run: StressRun };
  const projects: StressProject[] = [];

  beforeAll(async () => {
    agent = await startExternalAgent();
    generators = await runGenerators(agent, 'killed-run', { executionTimeS: 4, timeoutS: 6, killMidPhase: 3 });
    merge = await mergeBlobs(generators, config(agent, 4));
    projects.push(...generators.projects, merge.project);
  }, 240_000);

  afterAll(async () => {
    for (const project of projects) await project.remove();
    await agent?.close();
  });

  test('the others finish their phase', () => {
    expect(generators.runs[2]!.signal).toBe('SIGKILL');
    for (const run of generators.runs.slice(0, 2)) expect(run.exitCode, run.output).toBe(0);
    expect([...generators.parts.keys()].sort()).toEqual([1, 2]);
    expect(generators.parts.get(2)!.stoppedBy).toBe('deadline');
  });

  test('segment 1 tears down after the timeout, says which generator never finished, and nothing is left', async () => {
    const done = await agent.barrier('killed-run', 'job0.step3.done');
    expect(done).toMatchObject({ status: 'released', released_by: 'timeout', arrived: [1, 2], missing: [3] });
    expect(generators.runs[0]!.output).toContain('generator 3/3 did not report done within 6s (STRESS_SEGMENT_TIMEOUT_S): tearing down without it');
    expect(stepRecords(generators.runs[0]!)['delete_workspace']?.state).toBe('passed');
    expect(await agent.holdings()).toEqual({ flows: [], workspaces: [] });
  });

  test('the merge names the missing segment and fails', () => {
    expect(merge.run.exitCode, merge.run.output).toBe(1);
    expect(merge.run.output).toContain('shared › index: segment 3/3 missing');
  });

  test('the merged Allure result of the load step fails with that reason, and carries no one generator\'s numbers', async () => {
    const index = (await readAllureResults(merge.project)).find((result) => result.name === 'index')!;
    // As a single run reports a step that could not measure (not a breached threshold): broken.
    expect(index.status).toBe('broken');
    expect((index as unknown as { statusDetails: { message: string } }).statusDetails.message).toContain('segment 3/3 missing');
    expect(index.attachments).toEqual([]);
  });
});
