import type { GatewayTarget } from '../gateway/gateway-client';
import { gatewayClients } from '../gateway/gateway-clients';
import type { DocarrayVersion } from '../protocol/document';

export type DocarrayDetection =
  | { status: 'detected'; docarray: DocarrayVersion; version: string }
  | { status: 'unknown'; docarray: DocarrayVersion; reason: string };

/** docarray 0.30 introduced the v2 wire format (DocList/DocProto); Jina decides the same way. */
export function docarrayOfVersion(version: string): DocarrayVersion {
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major === 0 && minor < 30 ? 'v1' : 'v2';
}

/**
 * Asks the gateway which docarray it runs (`_status` / `GET /status` carry the versions of
 * jina's packages). Falls back to v2, Jina 3.34's default, when the gateway does not say.
 */
export async function detectDocarray(target: Omit<GatewayTarget, 'docarray'>): Promise<DocarrayDetection> {
  const client = gatewayClients[target.protocol]({ target: { ...target, docarray: 'v2' }, requestTimeoutMs: 10_000 });
  try {
    await client.connect();
    const info = await client.info();
    const version = info.jina.docarray;
    if (!version) return { status: 'unknown', docarray: 'v2', reason: 'the gateway status does not name a docarray version' };
    return { status: 'detected', docarray: docarrayOfVersion(version), version };
  } catch (error) {
    return { status: 'unknown', docarray: 'v2', reason: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.close().catch(() => undefined);
  }
}
