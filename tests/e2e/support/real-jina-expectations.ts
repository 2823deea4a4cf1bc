import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { LoadResult } from '../../../src/load/load-result.ts';
import { skipOrFail } from '../../support/skip-or-fail.ts';
import { statesOf } from '../../vitest/support/stress-project.ts';
import { jinaEnvironment, processesInWorkspaces, reportOf, runRealJinaConfig, type DocarrayMajor, type RealJinaRun } from './real-jina-run.ts';

const protocols = ['grpc', 'http', 'websocket'] as const;
type Protocol = (typeof protocols)[number];

/**
 * What the route-less answers of Jina's HTTP gateway allow (docs/jina-protocols-verified.md
 * §3): docarray v2 HTTP responses carry no `routes`, and an executor error is a bare 500
 * `{"detail": "StressFailure(...)"}` naming no executor. Everywhere else routes name them.
 */
function hasRoutes(docarray: DocarrayMajor, protocol: Protocol): boolean {
  return !(docarray === 'v2' && protocol === 'http');
}

/**
 * The assertions on one run of configs/jina-e2e*.yaml: every step passed; documents, matches
 * (through the query check), executor names from the real Flow's routes, the failing
 * executor's errors counted and attributed, time to ready, and no process left behind.
 */
export function describeRealJinaRun(docarray: DocarrayMajor, configFile: string): void {
  describe(`${configFile} against real Jina (docarray ${docarray})`, () => {
    const environment = jinaEnvironment(docarray);
    let result: RealJinaRun | undefined;

    beforeAll(async () => {
      if (environment.status === 'ready') result = await runRealJinaConfig(configFile, environment.python);
    }, 900_000);
    afterAll(() => result?.project.remove());

    /** The run, or a skip (locally) / failure (CI) saying which environment is missing. */
    const theRun = (context: { skip(note?: string): never | void }): RealJinaRun => {
      if (environment.status === 'missing') skipOrFail(context, environment.reason);
      if (!result) throw new Error('the run did not happen');
      return result;
    };

    test('every step of every job passes', (context) => {
      const { run } = theRun(context);
      expect(run.exitCode, run.output.slice(-6000)).toBe(0);
      const states = Object.values(statesOf(run));
      expect(states).toHaveLength(36);
      expect(new Set(states)).toEqual(new Set(['passed']));
    });

    test.for(protocols)('%s: index stores documents, query gets matches with tags from the index', (protocol, context) => {
      const { reports } = theRun(context);
      const index = reportOf(reports, protocol, 'index');
      const query = reportOf(reports, protocol, 'query');
      expect(index.gateway.protocol).toBe(protocol);
      for (const report of [index, query]) {
        expect(report.requests).toBeGreaterThan(5);
        expect(report.errors.total).toBe(0);
        // Every document of every request came back (the check counts missing ones).
        expect(report.docs).toBe((report.okRequests ?? report.requests) * report.config.requestSize);
        // validate_texts ran on every response: embeddings of dim 16 from the encoder, and on
        // queries at least top_k (3) matches per document, each with its indexed `filename` tag.
        expect(report.violations).toEqual({ count: 0, samples: [] });
      }
      expect(query.config.onAlways?.method).toBe('validate_texts');
      expect(query.config.topK).toBe(3);
    });

    test.for(protocols)('%s: executor times are named from the real Flow\'s routes', (protocol, context) => {
      const { reports } = theRun(context);
      const names = (report: LoadResult) => report.executors.map((executor) => executor.executor);
      if (!hasRoutes(docarray, protocol)) {
        expect(names(reportOf(reports, protocol, 'index'))).toEqual([]);
        return;
      }
      expect(names(reportOf(reports, protocol, 'index')).sort()).toEqual(['encoder', 'indexer']);
      expect(names(reportOf(reports, protocol, 'query')).sort()).toEqual(['encoder', 'indexer', 'slow']);
      for (const executor of reportOf(reports, protocol, 'query').executors) expect(executor.count).toBeGreaterThan(0);
    });

    test.for(protocols)('%s: the failing executor\'s errors are counted and attributed to it', (protocol, context) => {
      const { reports } = theRun(context);
      const report = reportOf(reports, 'failing-executor', `index failing ${protocol}`);
      // One client, one replica, deterministic fail_rate 0.5: requests 1, 3, 5, ... fail.
      const completed = report.requests;
      expect(completed).toBeGreaterThan(10);
      expect(report.errors.total).toBeGreaterThanOrEqual(Math.floor(completed / 2));
      expect(report.errors.total).toBeLessThanOrEqual(Math.ceil(completed / 2));
      expect(report.errors.connection + report.errors.timeout + report.errors.protocol).toBe(0);
      const attributedTo = hasRoutes(docarray, protocol) ? 'failing' : 'unknown';
      expect(report.errors.statusByExecutor).toEqual({ [attributedTo]: report.errors.total });
      const samples = (report.errors as { samples?: Array<{ message: string }> }).samples ?? [];
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) expect(sample.message).toMatch(/StressFailure\('failing executor: request \d+ failed/);
      // The successful half passed the check; the error_rate threshold (0.75) held.
      expect(report.violations.count).toBe(0);
      expect(report.thresholds).toEqual([expect.objectContaining({ name: 'error_rate', passed: true })]);
    });

    test('time to ready is reported per load step and in the stats table', (context) => {
      const { reports, statsMarkdown, run } = theRun(context);
      expect(reports).toHaveLength(9);
      for (const report of reports) {
        expect(report.timeToReadyS, `${report.job} › ${report.step}`).toBeGreaterThan(0.2);
        expect(report.timeToReadyS).toBeLessThan(90);
      }
      // Header and rows start with "| "; the alignment row starts with "|:".
      const [headerLine = '', ...rows] = statsMarkdown.split('\n').filter((line) => line.startsWith('| '));
      const column = headerLine.split(' | ').indexOf('Flow ready (s)');
      expect(column, statsMarkdown).toBeGreaterThan(0);
      expect(rows).toHaveLength(9);
      for (const row of rows) expect(Number(row.split(' | ')[column])).toBeGreaterThan(0);
      expect(run.output).toMatch(/flow ready in \d+\.\ds/);
    });

    test('Flows ran as real process trees, and none is left after the run', (context) => {
      const { processesAtReady, workspaceIds } = theRun(context);
      // 9 Flow starts; the smallest (failing: jina flow, gateway, encoder, failing) has 4+ processes.
      expect(processesAtReady).toHaveLength(9);
      for (const count of processesAtReady) expect(count).toBeGreaterThanOrEqual(4);
      expect(workspaceIds).toHaveLength(4);
      expect(processesInWorkspaces(workspaceIds)).toEqual([]);
    });
  });
}
