import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AgentState } from './agent-state.ts';
import { sendJson } from './send-json.ts';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

// `/status` is readable by anyone holding the token, which is still no reason to echo secrets.
const secretName = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|KEY/i;

/** JinaD's `/` and `/status`. */
export function registerStatusRoutes(app: FastifyInstance, state: AgentState): void {
  app.get('/', async (_request, reply) => sendJson(reply, 200, {}));

  app.get('/status', async (_request, reply) => {
    const envs = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => name.startsWith('JINA_') && !secretName.test(name)),
    );
    return sendJson(reply, 200, {
      jina: {
        'jina-stress': packageVersion,
        node: process.version,
        runtimes: state.runtimeNames,
        default_runtime: state.defaultRuntime,
      },
      envs,
      flows: { size: state.flows.list().length, items: state.flows.list().map((flow) => flow.id) },
      workspaces: { size: state.workspaces.list().length, items: state.workspaces.list().map((w) => w.id) },
      used_memory: `${(process.memoryUsage().rss / 1024 / 1024).toFixed(1)} MB`,
    });
  });
}
