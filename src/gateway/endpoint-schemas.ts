import { StressError } from '../errors.ts';
import type { EndpointSchema, EndpointSchemas } from '../protocol/endpoint-schema.ts';
import type { JsonObject, JsonValue } from '../protocol/json-value.ts';
import { isPlainObject } from '../protocol/struct.ts';
import type { GatewayTarget } from './gateway-client.ts';
import { createGrpcDiscoveryClient } from './grpc-client.ts';
import { requestJson } from './http-json-request.ts';

const discoveryTimeoutMs = 10_000;

/**
 * Reads the per-endpoint input/output schemas: gRPC `endpoint_discovery` (its `schemas`
 * struct), HTTP `GET /openapi.json` (the per-endpoint `<name>_input_model` /
 * `<name>_output_model`, the document type inlined with `$defs`). Jina's WebSocket gateway
 * publishes none. Never throws: a gateway that does not answer is `unavailable` with why.
 */
export async function discoverEndpointSchemas(target: GatewayTarget): Promise<EndpointSchemas> {
  try {
    if (target.docarray !== 'v2') return { status: 'unavailable', reason: 'docarray v1 gateways publish no document schemas' };
    if (target.protocol === 'grpc') return await fromGrpc(target);
    if (target.protocol === 'http') return await fromOpenApi(target);
    return { status: 'unavailable', reason: 'Jina\'s WebSocket gateway publishes no document schemas (gRPC endpoint_discovery and HTTP /openapi.json do)' };
  } catch (error) {
    return { status: 'unavailable', reason: (error as Error).message };
  }
}

async function fromGrpc(target: GatewayTarget): Promise<EndpointSchemas> {
  const client = createGrpcDiscoveryClient({ target, requestTimeoutMs: discoveryTimeoutMs });
  try {
    await client.connect();
    const info = await client.endpoints();
    const endpoints: Record<string, EndpointSchema> = {};
    for (const [name, entry] of Object.entries(info.schemas ?? {})) {
      if (name.startsWith('_jina_') || !isPlainObject(entry)) continue;
      const schema: EndpointSchema = {};
      if (isPlainObject(entry.input)) schema.input = entry.input as JsonObject;
      if (isPlainObject(entry.output)) schema.output = entry.output as JsonObject;
      endpoints[name] = schema;
    }
    return { status: 'found', source: 'gRPC endpoint_discovery', endpoints };
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function fromOpenApi(target: GatewayTarget): Promise<EndpointSchemas> {
  const response = await requestJson({ host: target.host, port: target.port, tls: target.tls, method: 'GET', path: '/openapi.json', timeoutMs: discoveryTimeoutMs });
  if (response.statusCode !== 200) throw new StressError('GATEWAY_CONNECTION', `GET /openapi.json answered HTTP ${response.statusCode}`);
  const openApi = JSON.parse(response.body) as JsonObject;
  const components = (isPlainObject(openApi.components) && isPlainObject(openApi.components.schemas) ? openApi.components.schemas : {}) as Record<string, JsonValue>;
  const endpoints: Record<string, EndpointSchema> = {};
  for (const [path, item] of Object.entries(isPlainObject(openApi.paths) ? openApi.paths : {})) {
    const post = isPlainObject(item) && isPlainObject(item.post) ? (item.post as JsonObject) : undefined;
    const input = documentSchema(modelName(post?.requestBody), components);
    const output = documentSchema(modelName((post?.responses as JsonObject | undefined)?.['200']), components);
    if (input || output) endpoints[path] = { ...(input ? { input } : {}), ...(output ? { output } : {}) };
  }
  return { status: 'found', source: 'HTTP /openapi.json', endpoints };
}

/** `#/components/schemas/find_input_model` of a request body or response. */
function modelName(part: unknown): string | undefined {
  const ref = (part as { content?: { 'application/json'?: { schema?: { $ref?: unknown } } } } | undefined)?.content?.['application/json']?.schema?.$ref;
  return typeof ref === 'string' ? ref.split('/').at(-1) : undefined;
}

/** The document type inside `<name>_(input|output)_model.data`, self-contained: `#/components/schemas/X` → `#/$defs/X`. */
function documentSchema(model: string | undefined, components: Record<string, JsonValue>): JsonObject | undefined {
  const wrapper = model ? components[model] : undefined;
  const data = isPlainObject(wrapper) && isPlainObject(wrapper.properties) ? (wrapper.properties as JsonObject).data : undefined;
  const candidates = [data, ...(isPlainObject(data) && Array.isArray(data.anyOf) ? data.anyOf : [])];
  let name: string | undefined;
  for (const candidate of candidates) {
    if (!isPlainObject(candidate)) continue;
    const ref = (isPlainObject(candidate.items) ? candidate.items.$ref : undefined) ?? candidate.$ref;
    if (typeof ref === 'string') name = ref.split('/').at(-1);
    if (name) break;
  }
  const document = name ? components[name] : undefined;
  if (!name || !isPlainObject(document)) return undefined;
  const relink = (value: JsonValue): JsonValue => {
    if (Array.isArray(value)) return value.map(relink);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [key, key === '$ref' && typeof child === 'string' ? child.replace('#/components/schemas/', '#/$defs/') : relink(child as JsonValue)]),
    );
  };
  const defs: JsonObject = {};
  for (const [key, value] of Object.entries(components)) defs[key] = relink(value);
  return { ...(relink(document) as JsonObject), $defs: defs };
}
