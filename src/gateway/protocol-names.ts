import type { GatewayProtocol } from './gateway-client.ts';

/**
 * Every spelling of a gateway protocol the project accepts, to the one name the gateway
 * clients use: Jina's (`grpc`, `http`, `websocket`, in any case, as Jina's ProtocolType reads
 * them) and the seed's client name `websockets`. Config `client:`, Flow YAML `protocol:`
 * and the agent's answers all go through this table.
 */
export const gatewayProtocolNames = {
  grpc: 'grpc',
  websockets: 'websocket',
  websocket: 'websocket',
  http: 'http',
} as const satisfies Record<string, GatewayProtocol>;

export type GatewayProtocolName = keyof typeof gatewayProtocolNames;

/** The protocol a spelling names (case-insensitive), or undefined. */
export function toGatewayProtocol(name: string): GatewayProtocol | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(gatewayProtocolNames, key) ? gatewayProtocolNames[key as GatewayProtocolName] : undefined;
}
