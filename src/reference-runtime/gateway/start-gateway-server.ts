import type { GatewayProtocol } from '../../gateway/gateway-client.ts';
import type { GatewayServer, GatewayServerOptions } from './gateway-handler.ts';
import { startGrpcGatewayServer } from './grpc-gateway-server.ts';
import { startHttpGatewayServer } from './http-gateway-server.ts';
import { startWebSocketGatewayServer } from './websocket-gateway-server.ts';

/** One gateway server per protocol, all serving the same GatewayHandler. */
export const gatewayServers = {
  grpc: startGrpcGatewayServer,
  websocket: startWebSocketGatewayServer,
  http: startHttpGatewayServer,
} satisfies Record<GatewayProtocol, (options: GatewayServerOptions) => Promise<GatewayServer>>;

/** Starts the gateway for `options.protocol` on `host:port` (port 0: a free one, reported back). */
export function startGatewayServer(options: GatewayServerOptions): Promise<GatewayServer> {
  return gatewayServers[options.protocol](options);
}
