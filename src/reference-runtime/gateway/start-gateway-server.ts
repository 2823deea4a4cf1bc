import type { GatewayProtocol } from '../../gateway/gateway-client';
import type { GatewayServer, GatewayServerOptions } from './gateway-handler';
import { startGrpcGatewayServer } from './grpc-gateway-server';
import { startHttpGatewayServer } from './http-gateway-server';
import { startWebSocketGatewayServer } from './websocket-gateway-server';

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
