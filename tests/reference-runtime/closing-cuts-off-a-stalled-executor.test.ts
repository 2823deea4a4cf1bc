import { afterEach, expect, test } from 'vitest';
import { dataRequest, flowFromYaml, responseOf, textDocs } from './flow-from-yaml.ts';

// An executor that stalls far past any phase: 10 minutes per request, one replica, so the
// requests after the first queue behind it. Closing the Flow must not wait for them.
const stallMs = 600_000;
const stallingFlow = `
jtype: Flow
executors:
  - name: stall
    uses: FaultExecutor
    uses_with: { latency_ms: ${stallMs}, fail_on: [/index] }
`;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

test('close lets quick requests finish, then cuts off stalled and queued ones as UNAVAILABLE within its grace', async () => {
  const started = await flowFromYaml(stallingFlow);
  cleanup = started.cleanup;
  const { flow } = started;
  // Not stalled (fail_on limits the fault to /index): answered before close returns.
  const quick = flow.process(dataRequest('/search', textDocs(['q'])));
  const stalled = [1, 2, 3].map((n) => flow.process(dataRequest('/index', textDocs([`doc ${n}`], `d${n}`))));
  const graceMs = 200;
  const closing = flow.close(graceMs);
  const outcomes = await Promise.all(stalled);
  await closing;
  expect(responseOf(await quick).docs.map((doc) => doc.id)).toEqual(['doc-0']);
  expect(outcomes.map((outcome) => outcome.status)).toEqual(['unavailable', 'unavailable', 'unavailable']);
  expect(outcomes[0]).toMatchObject({ deployment: 'stall', message: expect.stringMatching(/Flow stopped before deployment stall answered/) });
  expect(flow.cutOffAtClose).toBe(3);
  // After close, new requests are refused at once, not queued behind the stall.
  expect(await flow.process(dataRequest('/index', textDocs(['late'])))).toMatchObject({ status: 'unavailable', message: 'the Flow is stopping' });
});

test('a Flow without stalled requests closes without using its grace, and cuts nothing off', async () => {
  const started = await flowFromYaml(stallingFlow);
  cleanup = started.cleanup;
  const { flow } = started;
  await flow.process(dataRequest('/search', textDocs(['q'])));
  // A grace as long as the stall: were it waited for, the test would time out.
  await flow.close(stallMs);
  expect(flow.cutOffAtClose).toBe(0);
});
