import { connect } from 'node:net';
import type { GatewayProtocol } from '../gateway/gateway-client';

export interface ProbeTarget {
  host: string;
  port: number;
}

/** Resolves true when the gateway answers, false when not yet; never rejects. */
export type ReadinessProbe = (target: ProbeTarget, timeoutMs: number) => Promise<boolean>;

/** A TCP connect: enough to know the gateway's server socket is up. */
export const tcpConnectProbe: ReadinessProbe = (target, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const finish = (isReady: boolean) => {
      socket.destroy();
      resolve(isReady);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });

/**
 * How to tell each gateway protocol is ready. All TCP connect for now; the seam for a
 * protocol-level check (gRPC `JinaGatewayDryRunRPC/dry_run`, HTTP `GET /dry_run`) is this
 * table: one line per protocol, once the gateway clients exist.
 */
export const readinessProbes = {
  grpc: tcpConnectProbe,
  http: tcpConnectProbe,
  websocket: tcpConnectProbe,
} satisfies Record<GatewayProtocol, ReadinessProbe>;

/** A wildcard bind address is not something to connect to; loopback reaches it. */
export function probeHostFor(host: string): string {
  return host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
}

/** Polls every gateway until all answer; rejects only when `signal` aborts. */
export async function waitForGateways(
  gateways: Array<ProbeTarget & { protocol: GatewayProtocol }>,
  signal: AbortSignal,
  intervalMs = 100,
): Promise<void> {
  const pending = new Set(gateways);
  while (pending.size > 0) {
    signal.throwIfAborted();
    for (const gateway of [...pending]) {
      const target = { host: probeHostFor(gateway.host), port: gateway.port };
      if (await readinessProbes[gateway.protocol](target, 1000)) pending.delete(gateway);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
