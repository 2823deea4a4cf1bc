import type { GatewayClient, GatewayClientFactory, GatewayClientOptions, GatewayProtocol } from './gateway-client';
import { createGrpcClient } from './grpc-client';
import { createHttpClient } from './http-client';
import { createWebSocketClient } from './websocket-client';

/** One client implementation per gateway protocol. */
export const gatewayClients = {
  grpc: createGrpcClient,
  websocket: createWebSocketClient,
  http: createHttpClient,
} satisfies Record<GatewayProtocol, GatewayClientFactory>;

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return gatewayClients[options.target.protocol](options);
}
