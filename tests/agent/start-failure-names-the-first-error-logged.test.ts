import { afterEach, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

let server: TestAgent | undefined;
afterEach(async () => {
  await server?.agent.close();
  server = undefined;
});

// Jina logs why an executor cannot load long before its final traceback; 60 traceback lines
// later the cause has left the 50-line tail, so the answer names it on its own.
test('the first error record the Flow logged is in the answer, joined from its wrapped lines', async () => {
  server = await startTestAgent({ timeoutReadyMs: 20_000 });
  const answer = await server.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: flowYaml(await freePort()) },
      { name: 'environment', content: JSON.stringify({ FIXTURE_JINA_ERROR_LOG: '1' }) },
    ],
  });
  expect(answer.status).toBe(400);
  expect(answer.body.detail).toMatch(/exited with code 1 before its gateway \(grpc:\d+\) answered; it logged: CRIT… encoder\/rep-0@4242 can not load the executor from NoSuchExecutor \(hint/);
  expect(answer.body.body.join('\n')).not.toContain('NoSuchExecutor');
  expect(answer.body.body.at(-2)).toBe('jina.excepts.RuntimeFailToStart');
});
