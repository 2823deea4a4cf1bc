import { afterAll, beforeAll, expect, test } from 'vitest';
import { ArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { LoadStepParams } from '../../src/load/load-params.ts';
import { loadParams } from './support/load-params.ts';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.ts';
import { faultFlow, startReferenceTarget, type ReferenceTarget } from './support/reference-target.ts';

let target: ReferenceTarget;
let proxy: RecordingProxy;

beforeAll(async () => {
  target = await startReferenceTarget(faultFlow('work', '{latency_ms: 2}'));
  proxy = await startRecordingProxy(target.target.port, target.target.docarray);
});
afterAll(async () => {
  await proxy?.close();
  await target?.stop();
});

/** Three generators' segments of one step, run at once as three machines would. */
function runSegments(params: LoadStepParams, runId: string) {
  return Promise.all(
    [1, 2, 3].map((index) =>
      runLoad({
        params,
        target: { ...target.target, port: proxy.port },
        job: 'split',
        step: 'index',
        method: 'index',
        context: { baseDir: process.cwd(), helpersDir: process.cwd() },
        segment: { index, count: 3 },
        runId,
        // Long enough that nothing is cut at the deadline: every request sent is answered.
        tuning: { deadlineGraceMs: 5000 },
      }),
    ),
  );
}

test('closed model: 10 clients over 3 generators send 4+3+3 clients\' own documents under distinct request ids', async () => {
  proxy.responses.length = 0;
  const reports = await runSegments(loadParams({ numClients: 10, executionTimeS: 1.5, inputs: { method: 'random_texts', kwargs: { num_docs: 30 } } }), 'run-closed');

  expect(reports.map((report) => report.segment?.clients)).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  expect(reports.map((report) => report.segment?.share)).toEqual([0.4, 0.3, 0.3]);
  expect(reports.every((report) => report.errors.total === 0 && report.cutOff === 0)).toBe(true);
  // Everything the three reported is what came back over the wire.
  expect(proxy.responses.length).toBe(reports.reduce((sum, report) => sum + report.requests, 0));

  const ids = proxy.responses.map((response) => response.header.requestId);
  expect(new Set(ids).size).toBe(ids.length);
  // The first 4 hex of a request id name the segment: each generator's requests are its own.
  const bySegment = new Map<string, Set<string>>();
  for (const response of proxy.responses) {
    const segment = response.header.requestId.slice(0, 4);
    const docIds = bySegment.get(segment) ?? new Set<string>();
    for (const doc of response.docs) docIds.add(doc.id);
    bySegment.set(segment, docIds);
  }
  expect([...bySegment.keys()].sort()).toEqual(['0000', '0001', '0002']);
  expect(reports.map((report, position) => report.requests === ids.filter((id) => id.startsWith(`000${position}`)).length)).toEqual([true, true, true]);
  // Inputs are keyed by the global client number: no document id is sent by two generators.
  const [first, second, third] = [...bySegment.values()] as [Set<string>, Set<string>, Set<string>];
  for (const id of first) expect(second.has(id) || third.has(id)).toBe(false);
  for (const id of second) expect(third.has(id)).toBe(false);
});

test('open model: 60 requests/s over 3 generators send every scheduled request once, 1/3 each', async () => {
  proxy.responses.length = 0;
  const arrival = { arrivalRate: 60, durationS: 2, allowLag: true };
  const reports = await runSegments(loadParams({ numClients: 3, arrival }), 'run-open');
  const scheduled = new ArrivalSchedule(arrival).count;

  expect(reports.map((report) => report.scheduleLag?.planned)).toEqual([40, 40, 40]);
  expect(reports.map((report) => report.segment?.plannedRequests)).toEqual([40, 40, 40]);
  expect(reports.reduce((sum, report) => sum + report.requests + report.cutOff + (report.scheduleLag?.dropped ?? 0), 0)).toBe(scheduled);
  expect(proxy.responses.length).toBe(scheduled);
  expect(new Set(proxy.responses.map((response) => response.header.requestId)).size).toBe(scheduled);
});
