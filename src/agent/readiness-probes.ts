import { connect } from 'node:net';
import type { GatewayClient, GatewayProtocol } from '../gateway/gateway-client.ts';
import { gatewayClients } from '../gateway/gateway-clients.ts';

export interface ProbeTarget {
  host: string;
  port: number;
}

export type ReadinessCheck = { status: 'ready' } | { status: 'not-ready'; reason: string };

/** One look at a gateway; never rejects, and settles within about `timeoutMs`. */
export type ReadinessProbe = (target: ProbeTarget, timeoutMs: number) => Promise<ReadinessCheck>;

/** Whether something accepts TCP connections there (the port-in-use check before a start). */
export function acceptsConnections(target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const finish = (isOpen: boolean) => {
      socket.destroy();
      resolve(isOpen);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * A gateway's `dry_run` answered SUCCESS: the gateway is up *and* reached every executor. A
 * listening port is not enough: Jina's gateway binds before its executors answer, and then
 * dry_run says `InternalNetworkError` (docs/jina-protocols-verified.md §2). The TCP connect
 * first makes a closed port cost a refused connect rather than a client set-up.
 */
function dryRunProbe(clientProtocol: GatewayProtocol): ReadinessProbe {
  return async (target, timeoutMs) => {
    if (!(await acceptsConnections(target, timeoutMs))) return { status: 'not-ready', reason: 'port not accepting connections' };
    const client = gatewayClients[clientProtocol]({
      target: { ...target, protocol: clientProtocol, docarray: 'v2' },
      requestTimeoutMs: timeoutMs,
    });
    const gaveUp = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<ReadinessCheck>((resolve) => {
      timer = setTimeout(() => {
        gaveUp.abort(new Error(`no answer within ${timeoutMs} ms`));
        resolve({ status: 'not-ready', reason: `dry_run did not answer within ${timeoutMs} ms` });
      }, timeoutMs);
    });
    try {
      return await Promise.race([askDryRun(client, gaveUp.signal), timedOut]);
    } finally {
      clearTimeout(timer);
      await client.close().catch(() => undefined);
    }
  };
}

async function askDryRun(client: GatewayClient, signal: AbortSignal): Promise<ReadinessCheck> {
  try {
    await client.connect(signal);
  } catch (error) {
    return { status: 'not-ready', reason: (error as Error).message };
  }
  const result = await client.dryRun();
  return result.status === 'ready' ? result : { status: 'not-ready', reason: `dry_run: ${result.reason}` };
}

/**
 * How to tell each gateway protocol is ready. Jina's WebSocket gateway serves `GET /dry_run`
 * over plain HTTP on its port (verified §4), which needs no WebSocket handshake.
 */
export const readinessProbes = {
  grpc: dryRunProbe('grpc'),
  http: dryRunProbe('http'),
  websocket: dryRunProbe('http'),
} satisfies Record<GatewayProtocol, ReadinessProbe>;

/** A wildcard bind address is not something to connect to; loopback reaches it. */
export function probeHostFor(host: string): string {
  return host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

export interface GatewayWait {
  /** Resolves once every gateway's probe said ready; rejects only when the signal aborts. */
  ready: Promise<void>;
  /** For each gateway still waited for, `protocol:port: <why its last probe failed>`. */
  pendingReasons(): string[];
}

/** Polls every gateway until all are ready. */
export function waitForGateways(
  gateways: ReadonlyArray<ProbeTarget & { protocol: GatewayProtocol }>,
  signal: AbortSignal,
  /** `probe`: one check for every target instead of the protocol's (an executor's port). */
  options: { intervalMs?: number; probeTimeoutMs?: number; probe?: ReadinessProbe } = {},
): GatewayWait {
  const { intervalMs = 100, probeTimeoutMs = 5000 } = options;
  const reasons = new Map(gateways.map((gateway) => [gateway, 'not probed yet']));
  const ready = (async () => {
    while (reasons.size > 0) {
      signal.throwIfAborted();
      for (const gateway of [...reasons.keys()]) {
        const target = { host: probeHostFor(gateway.host), port: gateway.port };
        const check = await (options.probe ?? readinessProbes[gateway.protocol])(target, probeTimeoutMs);
        if (check.status === 'ready') reasons.delete(gateway);
        else reasons.set(gateway, check.reason);
      }
      if (reasons.size > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    ready,
    pendingReasons: () => [...reasons].map(([gateway, reason]) => `${gateway.protocol}:${gateway.port}: ${reason}`),
  };
}
