import type { GatewayProtocol } from '../gateway/gateway-client';
import { oneOf } from './field-schemas';

/** The seed's spellings and ours, to the one protocol name the gateway clients use. */
const CLIENTS = { grpc: 'grpc', websockets: 'websocket', websocket: 'websocket', http: 'http' } as const satisfies Record<string, GatewayProtocol>;
export type ClientName = keyof typeof CLIENTS;
const CLIENT_NAMES = Object.keys(CLIENTS) as [ClientName, ...ClientName[]];

/** The seed's gateway defaults, used when a step names only one of gateway_host/gateway_port. */
export const DEFAULT_GATEWAY_HOST = 'localhost';
export const DEFAULT_GATEWAY_PORT = 23_456;

export function toGatewayProtocol(client: ClientName): GatewayProtocol {
  return CLIENTS[client];
}

/** The protocol a `client:` value as written names, or undefined when it names none. */
export function protocolOfClient(client: unknown): GatewayProtocol | undefined {
  return typeof client === 'string' && Object.hasOwn(CLIENTS, client) ? CLIENTS[client as ClientName] : undefined;
}

export const clientSchema = oneOf(CLIENT_NAMES, 'Gateway protocol: grpc, websocket (the seed wrote websockets) or http.');
