import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { createAgent } from '../../src/agent/create-agent.ts';
import { isStressError } from '../../src/errors.ts';
import { EXIT_CODES } from '../../src/exit-codes.ts';

const bin = fileURLToPath(new URL('../../bin/jina-stress.mjs', import.meta.url));

/** Runs `jina-stress agent ...` until it exits, or until it says it listens (then stops it). */
function runAgent(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string; listened: boolean }> {
  const child = spawn(process.execPath, [bin, 'agent', '--port', '0', ...args], {
    env: { ...process.env, JINA_STRESS_AGENT_TOKEN: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let listened = false;
  const onData = (chunk: Buffer) => {
    output += chunk;
    if (!listened && /listening on http/.test(output)) {
      listened = true;
      // Let the lines printed right after the address arrive, then stop it.
      setTimeout(() => child.kill('SIGTERM'), 200);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, listened });
    }),
  );
}

describe('the agent refuses to start open by accident', () => {
  test.each([
    ['--token ""', ['--token', ''], {}, '--token is empty'],
    ['JINA_STRESS_AGENT_TOKEN=""', [], { JINA_STRESS_AGENT_TOKEN: '' }, 'JINA_STRESS_AGENT_TOKEN is empty'],
    ['--host 0.0.0.0 without a token', ['--host', '0.0.0.0'], {}, 'listening on 0.0.0.0 without a token would let anyone who reaches the port use the agent'],
    ['--host with a LAN address and the process runtime', ['--host', '10.9.8.7', '--runtimes', 'process'], {}, 'and run code on this machine'],
    ['an unknown runtime', ['--runtimes', 'reference,nope'], {}, 'unknown runtime "nope"'],
    ['a default runtime that is not allowed', ['--runtime', 'process', '--runtimes', 'reference'], {}, 'the default runtime "process" is not among the allowed runtimes'],
  ])('%s: exit 2 (bad usage: nothing ran) with a clear error, never listening', async (_name, args, env, message) => {
    const run = await runAgent(args, env);
    expect(run.listened, run.output).toBe(false);
    expect(run.code).toBe(EXIT_CODES.invalid);
    expect(run.output).toContain('[CONFIG_INVALID]');
    expect(run.output).toContain(message);
    expect(run.output).toContain('hint:');
  }, 30_000);

  test('--insecure-no-token is the explicit way to listen beyond loopback without one', async () => {
    const run = await runAgent(['--host', '0.0.0.0', '--insecure-no-token']);
    expect(run.listened, run.output).toBe(true);
    expect(run.code).toBe(0);
  }, 30_000);

  test("the README's command for a daemon on a host: token from the environment, listening on every interface", async () => {
    // JINA_STRESS_AGENT_TOKEN=T npx jina-stress agent --host 0.0.0.0 --port 8000 (port 0 here)
    const run = await runAgent(['--host', '0.0.0.0'], { JINA_STRESS_AGENT_TOKEN: 'readme-token-5c1e' });
    expect(run.listened, run.output).toBe(true);
    expect(run.output).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+/);
    expect(run.output).not.toContain('readme-token-5c1e');
    expect(run.code).toBe(0);
  }, 30_000);

  test('the process runtime without a token starts with a warning; with a token, without', async () => {
    const open = await runAgent(['--runtimes', 'reference,process']);
    expect(open.listened, open.output).toBe(true);
    expect(open.output).toContain('warning: the process runtime is on without a token');
    const closed = await runAgent(['--runtimes', 'reference,process'], { JINA_STRESS_AGENT_TOKEN: 'rules-token-8d2f' });
    expect(closed.listened, closed.output).toBe(true);
    expect(closed.output).not.toContain('warning');
    expect(closed.output).not.toContain('rules-token-8d2f');
  }, 30_000);

  test('createAgent applies the same rules', () => {
    const attempt = (options: Parameters<typeof createAgent>[0]) => {
      try {
        createAgent(options);
        return 'created';
      } catch (error) {
        return isStressError(error, 'CONFIG_INVALID') ? error.message : String(error);
      }
    };
    expect(attempt({ token: '' })).toBe('agent: --token is empty');
    expect(attempt({ token: '   ' })).toBe('agent: --token is empty');
    expect(attempt({ host: '0.0.0.0' })).toContain('without a token');
    expect(attempt({ host: '::' })).toContain('without a token');
    expect(attempt({ passEnv: ['BAD NAME'] })).toContain('is not a variable name');
  });
});
