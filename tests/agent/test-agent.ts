import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AGENT_LEDGER_FILE } from '../../src/agent/agent-ledger.ts';
import { createAgent, type Agent, type AgentAddress } from '../../src/agent/create-agent.ts';
import type { AgentOptions } from '../../src/agent/agent-options.ts';
import { multipartBody, type MultipartPart } from './multipart-body.ts';

export const fixtureProgram = fileURLToPath(new URL('../../fixtures/agent/listen-on-flow-port.mjs', import.meta.url));

/** The `process` runtime running the fixture program instead of `jina flow`. */
export const fixtureCommand = [process.execPath, fixtureProgram, '{file}'];

export interface TestAgent {
  agent: Agent;
  address: AgentAddress;
  /**
   * Sends a request as our daemon client does (with `X-Jina-Stress: 1` and the agent's token,
   * unless `asBrowser` leaves both out), returns status and parsed JSON (or text) body.
   */
  call(
    method: string,
    path: string,
    init?: { parts?: MultipartPart[]; text?: string; headers?: Record<string, string>; asBrowser?: boolean },
  ): Promise<{ status: number; body: any }>;
}

/**
 * A real agent on 127.0.0.1, port 0, with the fixture program as its process command. The
 * fixture is steered by FIXTURE_* variables in the request's environment, so those are passed.
 */
export async function startTestAgent(options: AgentOptions = {}): Promise<TestAgent> {
  const agent = createAgent({ port: 0, runtime: 'process', processCommand: fixtureCommand, stopGraceMs: 2000, passEnv: ['FIXTURE_*'], ...options });
  const address = await agent.listen();
  return {
    agent,
    address,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = {
        ...(init.asBrowser ? {} : { 'x-jina-stress': '1' }),
        ...(options.token && !init.asBrowser ? { authorization: `Bearer ${options.token}` } : {}),
        ...init.headers,
      };
      let body: Buffer | string | undefined = init.text;
      if (init.parts) {
        const multipart = multipartBody(init.parts);
        body = multipart.body;
        headers['content-type'] = multipart.contentType;
      }
      const response = await fetch(`${address.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed };
    },
  };
}

/** A Flow YAML whose gateway listens on `port` (3.x `with:` form). */
export function flowYaml(port: number, protocol = 'grpc'): string {
  return `jtype: Flow\nwith:\n  port: ${port}\n  protocol: ${protocol}\nexecutors:\n  - name: encoder\n`;
}

/** The workspace root's entries besides the agent's own ledger file: workspaces and anything that escaped. */
export function workspaceRootEntries(agent: Agent): string[] {
  return readdirSync(agent.workspaceRoot).filter((name) => name !== AGENT_LEDGER_FILE);
}
