import type { GatewayClient, GatewayClientFactory, GatewayClientOptions, GatewayProtocol } from './gateway-client.ts';
import { createGrpcClient } from './grpc-client.ts';
import { createHttpClient } from './http-client.ts';
import { createWebSocketClient } from './websocket-client.ts';

/** One client implementation per gateway protocol. */
export const gatewayClients = {
  grpc: createGrpcClient,
  websocket: createWebSocketClient,
  http: createHttpClient,
} satisfies Record<GatewayProtocol, GatewayClientFactory>;

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return gatewayClients[options.target.protocol](options);
}
