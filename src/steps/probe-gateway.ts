import type { GatewayInfo, GatewayTarget } from '../gateway/gateway-client.ts';
import { gatewayClients } from '../gateway/gateway-clients.ts';
import type { DocarrayVersion } from '../protocol/document.ts';

export type GatewayProbe = { status: 'answered'; info: GatewayInfo } | { status: 'silent'; reason: string };

/** docarray 0.30 introduced the v2 wire format (DocList/DocProto); Jina decides the same way. */
export function docarrayOfVersion(version: string): DocarrayVersion {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === 0 && minor < 30 ? 'v1' : 'v2';
}

/** The gateway's `_status` (gRPC) or `GET /status`: jina's package versions and its environment. */
export async function probeGateway(target: Omit<GatewayTarget, 'docarray'>): Promise<GatewayProbe> {
  const client = gatewayClients[target.protocol]({ target: { ...target, docarray: 'v2' }, requestTimeoutMs: 10_000 });
  try {
    await client.connect();
    return { status: 'answered', info: await client.info() };
  } catch (error) {
    return { status: 'silent', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * The wire format to speak: the step's `docarray:`, else what the gateway's status names,
 * else v2 (Jina 3.34's default). The note says which, for the log.
 */
export function chooseDocarray(explicit: DocarrayVersion | undefined, probe: GatewayProbe): { docarray: DocarrayVersion; note: string } {
  if (explicit) return { docarray: explicit, note: `docarray ${explicit} (from the step)` };
  const version = probe.status === 'answered' ? probe.info.jina.docarray : undefined;
  if (version) return { docarray: docarrayOfVersion(version), note: `gateway runs docarray ${version}: ${docarrayOfVersion(version)} wire format` };
  const why = probe.status === 'silent' ? probe.reason : 'its status names no docarray version';
  return { docarray: 'v2', note: `docarray not detected (${why}); using v2 — set docarray: on the step to choose` };
}
