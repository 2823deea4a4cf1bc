import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { freePort } from './free-port.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

const dumpEnvProgram = fileURLToPath(new URL('../../fixtures/agent/dump-env-then-listen.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'agent-preload-'));
const marker = join(scratch, 'preload-ran');
const library = join(scratch, 'evil.so');
let hasCompiler = true;

beforeAll(() => {
  // A shared library whose constructor leaves a mark: what an attacker would upload.
  writeFileSync(
    join(scratch, 'evil.c'),
    `#include <stdio.h>\n__attribute__((constructor)) static void mark(void) { FILE *f = fopen("${marker}", "a"); if (f) { fputs("ran\\n", f); fclose(f); } }\n`,
  );
  try {
    execFileSync('gcc', ['-shared', '-fPIC', '-o', library, join(scratch, 'evil.c')], { stdio: 'pipe' });
  } catch {
    hasCompiler = false;
  }
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let server: TestAgent | undefined;
afterEach(async () => {
  await server?.agent.close();
  server = undefined;
  rmSync(marker, { force: true });
});

async function uploadLibrary(target: TestAgent): Promise<string> {
  const created = await target.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'evil.so', content: readFileSync(library) }] });
  expect(created.status).toBe(201);
  return created.body;
}

async function startFlow(target: TestAgent, workspaceId: string, fields: Record<string, string>, yaml?: string) {
  return target.call('POST', '/flows', {
    parts: [
      { name: 'flow', filename: 'flow.yml', content: yaml ?? flowYaml(await freePort()) },
      { name: 'workspace_id', content: workspaceId },
      ...Object.entries(fields).map(([name, content]) => ({ name, content })),
    ],
  });
}

describe('a request cannot run code the agent was not set up to run', () => {
  test('the uploaded library does run when preloaded (so the refusals below are real)', (context) => {
    if (!hasCompiler) return skipOrFail(context, 'gcc not found: cannot build the LD_PRELOAD library');
    spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, LD_PRELOAD: library } });
    expect(readFileSync(marker, 'utf8')).toBe('ran\n');
  });

  test('an agent with the default runtimes refuses runtime=process with 403, before anything runs', async (context) => {
    if (!hasCompiler) return skipOrFail(context, 'gcc not found: cannot build the LD_PRELOAD library');
    server = await startTestAgent({ runtime: undefined });
    expect((await server.call('GET', '/status')).body.jina.runtimes).toEqual(['reference']);
    const workspaceId = await uploadLibrary(server);
    const answer = await startFlow(server, workspaceId, {
      runtime: 'process',
      environment: JSON.stringify({ LD_PRELOAD: join(server.agent.workspaceRoot, workspaceId, 'evil.so') }),
    });
    expect(answer.status).toBe(403);
    expect(answer.body.detail).toContain('runtime "process" is not enabled on this agent (enabled: reference)');
    expect(existsSync(marker)).toBe(false);
    expect((await server.call('GET', '/flows')).body.size).toBe(0);
  });

  test.each([
    ['LD_PRELOAD', 'the uploaded library'],
    ['LD_LIBRARY_PATH', '/tmp'],
    ['PYTHONSTARTUP', 'evil.py'],
    ['PYTHONPATH', '.'],
    ['NODE_OPTIONS', '--require ./evil.js'],
    ['PATH', '.'],
    ['BASH_ENV', 'evil.sh'],
    ['ENV', 'evil.sh'],
    ['HOME', '.'],
    ['JINA_STRESS_AGENT_TOKEN', 'x'],
    ['http_proxy', 'http://evil.example'],
    ['not a name', 'x'],
  ])('a process Flow refuses %s in the request environment with 422 naming it', async (name, value) => {
    server = await startTestAgent({ runtimes: ['process'] });
    const workspaceId = hasCompiler ? await uploadLibrary(server) : (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a', content: 'a' }] })).body;
    const filled = value === 'the uploaded library' ? join(server.agent.workspaceRoot, workspaceId, 'evil.so') : value;
    const answer = await startFlow(server, workspaceId, { environment: JSON.stringify({ [name]: filled, JINA_OK: '1' }) });
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toContain(`environment ${JSON.stringify(name)} cannot be set by a request`);
    expect(existsSync(marker)).toBe(false);
    expect((await server.call('GET', '/flows')).body.size).toBe(0);
  });

  test('naming LD_PRELOAD in the Flow file does not let a request set it', async () => {
    server = await startTestAgent({ runtimes: ['process'] });
    const workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a', content: 'a' }] })).body;
    const yaml = `${flowYaml(await freePort())}# \${{ ENV.LD_PRELOAD }}\nenv_note: \${{ ENV.LD_PRELOAD }}\n`;
    const answer = await startFlow(server, workspaceId, { environment: JSON.stringify({ LD_PRELOAD: library }) }, yaml);
    expect(answer.status).toBe(422);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('what a process Flow sees of the environment', () => {
  const agentSide = {
    AWS_SECRET_ACCESS_KEY: 'agent-side-aws-secret-91f3',
    JINA_AGENT_SIDE_SETTING: 'agent-side-jina',
    STRESS_SHARED_DIR: '/srv/shared',
    STRESS_SHARED_CACHE: '/srv/cache',
  };
  beforeAll(() => Object.assign(process.env, agentSide));
  afterAll(() => {
    for (const name of Object.keys(agentSide)) delete process.env[name];
  });

  test('the allow-list: system basics and --pass-env from the agent; JINA_*, names in the Flow file and --pass-env from the request; nothing else', async () => {
    server = await startTestAgent({
      runtimes: ['process'],
      processCommand: [process.execPath, dumpEnvProgram, '{file}'],
      passEnv: ['STRESS_SHARED_*', 'FIXTURE_*'],
      token: 'env-test-token-77aa',
    });
    const workspaceId = (await server.call('POST', '/workspaces', { parts: [{ name: 'files', filename: 'a', content: 'a' }] })).body;
    const yaml = `${flowYaml(await freePort())}executor_note: \${{ ENV.ENCODER_DIM }} and $BATCH\n`;
    const answer = await startFlow(
      server,
      workspaceId,
      {
        environment: JSON.stringify({
          JINA_LOG_LEVEL: 'DEBUG',
          ENCODER_DIM: '16',
          BATCH: '4',
          STRESS_SHARED_DIR: '/from/request',
          UNRELATED: 'dropped',
        }),
      },
      yaml,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const seen = JSON.parse(readFileSync(join(server.agent.workspaceRoot, workspaceId, 'flow-env.json'), 'utf8')) as Record<string, string>;
    expect(seen).toMatchObject({
      JINA_LOG_LEVEL: 'DEBUG',
      ENCODER_DIM: '16',
      BATCH: '4',
      STRESS_SHARED_DIR: '/from/request',
      STRESS_SHARED_CACHE: '/srv/cache',
      PATH: process.env.PATH,
    });
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'JINA_AGENT_SIDE_SETTING', 'JINA_STRESS_AGENT_TOKEN', 'UNRELATED']) expect(seen, name).not.toHaveProperty(name);
    expect(JSON.stringify(seen)).not.toContain('agent-side-aws-secret-91f3');
    expect(JSON.stringify(seen)).not.toContain('env-test-token-77aa');
    const flow = (await server.call('GET', `/flows/${answer.body}`)).body;
    expect(flow.arguments.environment_not_passed).toEqual(['UNRELATED']);
  });
});
