import type { GatewayProtocol } from '../gateway/gateway-client.ts';
import { gatewayProtocolNames, type GatewayProtocolName } from '../gateway/protocol-names.ts';
import { oneOf } from './field-schemas.ts';

/** A config `client:` is written as one of the gateway's spellings (its one table), exactly. */
export type ClientName = GatewayProtocolName;
const CLIENT_NAMES = Object.keys(gatewayProtocolNames) as [ClientName, ...ClientName[]];

/** The seed's gateway defaults, used when a step names only one of gateway_host/gateway_port. */
export const DEFAULT_GATEWAY_HOST = 'localhost';
export const DEFAULT_GATEWAY_PORT = 23_456;

export function toGatewayProtocol(client: ClientName): GatewayProtocol {
  return gatewayProtocolNames[client];
}

/** The protocol a `client:` value as written names, or undefined when it names none. */
export function protocolOfClient(client: unknown): GatewayProtocol | undefined {
  return typeof client === 'string' && Object.hasOwn(gatewayProtocolNames, client) ? gatewayProtocolNames[client as ClientName] : undefined;
}

export const clientSchema = oneOf(CLIENT_NAMES, 'Gateway protocol: grpc, websocket (the seed wrote websockets) or http.');
