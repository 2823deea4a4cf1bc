import { fileURLToPath } from 'node:url';
import { createAgent, type Agent, type AgentAddress } from '../../src/agent/create-agent.ts';
import type { AgentOptions } from '../../src/agent/agent-options.ts';
import { multipartBody, type MultipartPart } from './multipart-body.ts';

export const fixtureProgram = fileURLToPath(new URL('../../fixtures/agent/listen-on-flow-port.mjs', import.meta.url));

/** The `process` runtime running the fixture program instead of `jina flow`. */
export const fixtureCommand = [process.execPath, fixtureProgram, '{file}'];

export interface TestAgent {
  agent: Agent;
  address: AgentAddress;
  /** Sends a request, returns status and parsed JSON (or text) body. */
  call(method: string, path: string, init?: { parts?: MultipartPart[]; text?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
}

/** A real agent on 127.0.0.1, port 0, with the fixture program as its process command. */
export async function startTestAgent(options: AgentOptions = {}): Promise<TestAgent> {
  const agent = createAgent({ port: 0, runtime: 'process', processCommand: fixtureCommand, stopGraceMs: 2000, ...options });
  const address = await agent.listen();
  return {
    agent,
    address,
    async call(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
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
