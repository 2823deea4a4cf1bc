import type { GatewayProtocol } from '../gateway/gateway-client.ts';

export interface DaemonAddress {
  host: string;
  port: number;
  /** Bearer token; already resolved from `${ENV}`. Never logged. */
  token?: string;
}

export interface GatewayAddress {
  host: string;
  port: number;
  protocol?: GatewayProtocol;
}
