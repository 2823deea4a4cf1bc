import { createGrpcClient } from '../../src/gateway/grpc-client.ts';

// Run by grpc-transport-speaks-tls-with-alpn-h2.test.ts in a process of its own, so that
// NODE_EXTRA_CA_CERTS (read at start-up only) can make the test's self-signed certificate
// trusted the way a user's CA would be. Posts once per gRPC mode to localhost:PORT over TLS
// and prints each outcome's status and first document id as one JSON line.
const port = Number(process.argv[2]);
const outcomes: Record<string, { status: string; id?: string; message?: string }> = {};
for (const grpcMode of ['unary', 'stream'] as const) {
  const client = createGrpcClient({ target: { host: 'localhost', port, protocol: 'grpc', docarray: 'v1', tls: true }, grpcMode });
  await client.connect();
  const result = await client.post({ endpoint: '/index', docs: [{ id: `tls-${grpcMode}` }] });
  await client.close();
  outcomes[grpcMode] =
    result.status === 'ok' ? { status: result.status, id: result.response.docs[0]?.id } : { status: result.status, message: 'message' in result ? String(result.message) : undefined };
}
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
