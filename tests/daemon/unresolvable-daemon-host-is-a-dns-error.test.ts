import { expect, test } from 'vitest';
import { createDaemonClient } from '../../src/daemon/create-daemon-client.ts';
import { isStressError } from '../../src/errors.ts';

// .invalid never resolves (RFC 2606): a real lookup, answered by this machine's resolver.
test('a daemon host that does not resolve is reported as a DNS failure naming the host', async () => {
  const client = createDaemonClient({ host: 'stress-agent.invalid', port: 8000, retries: 0 });
  const error = await client.status().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isStressError(error)) throw new Error(`expected a StressError, got ${String(error)}`);
  expect(error.code).toBe('DAEMON_UNREACHABLE');
  expect(error.message).toMatch(/^status: GET \/status → DNS lookup of the daemon host "stress-agent\.invalid" failed \((ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_FAIL)\) after 1 attempt$/);
  expect(error.message).not.toMatch(/refused|unreachable|is the daemon running/);
  expect(error.hint).toMatch(/check the daemon host in the config|DNS settings/);
  expect(error.details).toMatchObject({ host: 'stress-agent.invalid', call: 'status' });
});
