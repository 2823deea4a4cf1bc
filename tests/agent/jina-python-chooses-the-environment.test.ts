import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { resolveAgentOptions } from '../../src/agent/agent-options.ts';
import { freePort } from './free-port.ts';
import { fixtureProgram, flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

// A stand-in virtual environment: bin/python (never run) and bin/jina, a script that says
// which PATH it got, then becomes the fixture gateway for the Flow file (`jina flow --uses F`).
let venv: string;
let server: TestAgent | undefined;
beforeEach(() => {
  venv = mkdtempSync(join(tmpdir(), 'jina-stress-venv-'));
  mkdirSync(join(venv, 'bin'));
  writeFileSync(join(venv, 'bin', 'python'), '');
  const jina = `#!/bin/sh\necho "fake jina $*: PATH=$PATH"\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(fixtureProgram)} "$3"\n`;
  writeFileSync(join(venv, 'bin', 'jina'), jina);
  chmodSync(join(venv, 'bin', 'jina'), 0o755);
});
afterEach(async () => {
  await server?.agent.close();
  server = undefined;
  vi.unstubAllEnvs();
  rmSync(venv, { recursive: true, force: true });
});

describe('the process runtime runs the jina of the chosen Python environment', () => {
  test.each([
    ['JINA_PYTHON is the venv python', () => join(venv, 'bin', 'python')],
    ['JINA_PYTHON is the venv bin folder', () => join(venv, 'bin')],
  ])('%s', async (_name, jinaPython) => {
    vi.stubEnv('JINA_PYTHON', jinaPython());
    vi.stubEnv('JINA_STRESS_PROCESS_COMMAND', '');
    // processCommand undefined: the default `jina flow --uses {file}` with the venv's jina.
    server = await startTestAgent({ processCommand: undefined });
    const port = await freePort();
    const answer = await server.call('POST', '/flows', { parts: [{ name: 'flow', filename: 'flow.yml', content: flowYaml(port, 'http') }] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const flow = (await server.call('GET', `/flows/${answer.body}`)).body;
    const said = flow.log_tail.find((line: string) => line.startsWith('fake jina '));
    expect(said).toBe(`fake jina flow --uses flow.yml: PATH=${join(venv, 'bin')}:${process.env.PATH}`);
    expect(flow.gateway.port).toBe(port);
  });

  test('--jina-bin wins over JINA_PYTHON, and its folder leads PATH', () => {
    const options = resolveAgentOptions({ jinaBin: '/opt/jina-env/bin/jina', workspaceRoot: venv }, { JINA_PYTHON: join(venv, 'bin') });
    expect(options.processCommand).toEqual(['/opt/jina-env/bin/jina', 'flow', '--uses', '{file}']);
    expect(options.processPathPrefix).toBe('/opt/jina-env/bin');
  });

  test('with neither, `jina` comes from PATH and PATH is left alone', () => {
    const options = resolveAgentOptions({ workspaceRoot: venv }, {});
    expect(options.processCommand).toEqual(['jina', 'flow', '--uses', '{file}']);
    expect(options.processPathPrefix).toBeUndefined();
  });
});
