/**
 * Full gRPC method paths of Jina 3.x (`/jina.<Service>/<method>`, docs/jina-protocols.md §1.3).
 * Client and server use these with protobufjs codecs as serializers (no proto-loader).
 */
export const jinaGrpcMethods = {
  call: '/jina.JinaRPC/Call',
  processSingleData: '/jina.JinaSingleDataRequestRPC/process_single_data',
  dryRun: '/jina.JinaGatewayDryRunRPC/dry_run',
  status: '/jina.JinaInfoRPC/_status',
  endpointDiscovery: '/jina.JinaDiscoverEndpointsRPC/endpoint_discovery',
  /** The standard gRPC health service, which Jina registers on every server (`jina ping`). */
  healthCheck: '/grpc.health.v1.Health/Check',
} as const;

/**
 * Channel options both sides use, after Jina's `get_default_grpc_options()`: no message size
 * limit (grpc-js would refuse responses over 4 MiB), and keepalive pings no more often than
 * every 10 s, or a Python server answers GOAWAY `too_many_pings`.
 */
export const jinaGrpcChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
} as const;
