import type http from 'node:http';
import { StressError } from '../errors.ts';
import { statusFromJson } from '../protocol/data-request-json.ts';
import { STATUS_SUCCESS } from '../protocol/data-request.ts';
import type { DryRunResult, GatewayInfo, GatewayTarget } from './gateway-client.ts';
import { requestJson } from './http-json-request.ts';

const controlCallTimeoutMs = 10_000;

/**
 * `GET /dry_run` and `GET /status`, served on the data port by Jina's HTTP and WebSocket
 * gateways alike (docs/jina-protocols.md §1.6-1.7).
 */
export async function httpDryRun(target: GatewayTarget, agent?: http.Agent): Promise<DryRunResult> {
  try {
    const response = await requestJson({ ...endpoint(target, agent), method: 'GET', path: '/dry_run', timeoutMs: controlCallTimeoutMs });
    if (response.statusCode !== 200) return { status: 'not-ready', reason: `GET /dry_run answered HTTP ${response.statusCode}` };
    const status = statusFromJson(JSON.parse(response.body));
    return status.code === STATUS_SUCCESS ? { status: 'ready' } : { status: 'not-ready', reason: status.description || 'dry run failed' };
  } catch (error) {
    return { status: 'not-ready', reason: (error as Error).message };
  }
}

export async function httpInfo(target: GatewayTarget, agent?: http.Agent): Promise<GatewayInfo> {
  let body: unknown;
  try {
    const response = await requestJson({ ...endpoint(target, agent), method: 'GET', path: '/status', timeoutMs: controlCallTimeoutMs });
    if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
    body = JSON.parse(response.body);
  } catch (error) {
    throw new StressError('GATEWAY_CONNECTION', `GET /status on ${target.host}:${target.port} failed: ${(error as Error).message}`, { cause: error });
  }
  const { jina, envs } = (body ?? {}) as { jina?: Record<string, unknown>; envs?: Record<string, unknown> };
  return { jina: stringMap(jina), envs: stringMap(envs) };
}

function stringMap(record: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
}

function endpoint(target: GatewayTarget, agent?: http.Agent) {
  return { host: target.host, port: target.port, tls: target.tls, agent };
}
