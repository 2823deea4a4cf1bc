import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StressError } from '../../src/errors.ts';
import { discoverEndpointSchemas } from '../../src/gateway/endpoint-schemas.ts';
import { createGatewayClient } from '../../src/gateway/gateway-clients.ts';
import type { GatewayClient, GatewayProtocol } from '../../src/gateway/gateway-client.ts';
import { createInput } from '../../src/inputs/create-input.ts';
import type { InputContext } from '../../src/inputs/input-source.ts';
import { runLoad } from '../../src/load/run-load.ts';
import type { NamedCall } from '../../src/config/named-call.ts';
import type { JinaDocument, TypedValue } from '../../src/protocol/document.ts';
import { documentFieldValues } from '../../src/protocol/document-fields.ts';
import type { EndpointSchemas } from '../../src/protocol/endpoint-schema.ts';
import { tensorToNumbers } from '../../src/protocol/tensor.ts';
import { hasJina, startJinaFlow, type JinaFlowProcess } from '../fidelity/jina-flow-process.ts';
import { loadParams } from '../load/support/load-params.ts';

// Issue 15 item 3: documents that fit a typed docarray v2 executor's input schema. The
// executor (fixtures/executors/v2/typed/typed_fields.py) requires an int, a float, a bool, a
// list, a nested document, a DocList and an NdArray[4], and answers what it read — so what
// came back over the wire shows what pydantic made of what we sent.

const repo = resolve(import.meta.dirname, '../..');
const python = join(repo, '.jina-envs/v2/bin/python');

/** The Order schema as docarray writes it, for the WebSocket gateway (which publishes none). */
async function orderSchemaFile(dir: string): Promise<string> {
  const script = `import json, sys
sys.path.insert(0, ${JSON.stringify(join(repo, 'fixtures/executors/v2/typed'))})
from typed_fields import Order
print(json.dumps(Order.model_json_schema()))`;
  const { stdout } = await promisify(execFile)(python, ['-c', script], { timeout: 60_000 });
  const file = join(dir, 'order.schema.json');
  writeFileSync(file, stdout.trim().split('\n').at(-1)!);
  return file;
}

function plain(value: TypedValue): unknown {
  switch (value.kind) {
    case 'list':
      return value.items.map(plain);
    case 'doc':
      return Object.fromEntries(Object.entries(value.fields).map(([key, child]) => [key, plain(child)]));
    case 'ndarray':
      return tensorToNumbers(value.tensor);
    case 'null':
      return null;
    case 'dict':
      return Object.fromEntries(Object.entries(value.entries).map(([key, child]) => [key, plain(child)]));
    default:
      return value.value;
  }
}

/** What the executor answers for an Order, computed from what we sent. */
function expectedReceipt(doc: JinaDocument): Record<string, unknown> {
  const order = Object.fromEntries(Object.entries(doc.fields!).map(([key, value]) => [key, plain(value)])) as Record<string, any>;
  return {
    id: doc.id,
    sku: order.sku,
    quantity_twice: order.quantity * 2,
    price: order.price,
    gift: order.gift,
    label_count: order.labels.length,
    city: order.address.city,
    zip_code: order.address.zip_code,
    line_count: order.lines.length,
    features_shape: [4],
    features_sum: expect.closeTo((order.features as number[]).reduce((a, b) => a + b, 0), 5),
    // An NdArray[2, 2] answer: nested by its shape (its published schema says a flat list).
    grid: [order.features.slice(0, 2), order.features.slice(2, 4)],
  };
}

describe.runIf(hasJina('v2'))('schema_documents feeds a typed executor on real Jina 3.34', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'schema-docs-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  for (const protocol of ['grpc', 'websocket', 'http'] as const satisfies readonly GatewayProtocol[]) {
    describe(protocol, () => {
      let flow: JinaFlowProcess;
      let client: GatewayClient;
      let schemas: EndpointSchemas;
      let schemaFile: string | undefined;
      const target = () => ({ host: '127.0.0.1', port: flow.port, protocol, docarray: 'v2' as const });
      const context = (clientIndex = 0, endpoint = '/ingest'): InputContext => ({
        baseDir: tmp,
        helpersDir: join(tmp, 'helpers'),
        clientIndex,
        endpoint,
        docarray: 'v2',
        endpointSchemas: schemas,
      });
      const schemaKwargs = (): Record<string, string> => (schemaFile ? { schema_file: schemaFile } : {});

      beforeAll(async () => {
        flow = await startJinaFlow({ docarray: 'v2', yaml: join(repo, `fixtures/flows/jina/v2-typed/fields-${protocol}.yml`), protocol });
        client = createGatewayClient({ target: target(), requestTimeoutMs: 30_000 });
        await client.connect();
        schemas = await discoverEndpointSchemas(target());
        if (protocol === 'websocket') schemaFile = await orderSchemaFile(tmp);
      }, 120_000);
      afterAll(async () => {
        await client?.close();
        await flow?.stop();
      });

      it('generates every required field, and the executor reads each as the type it declares', async () => {
        const input = await createInput({ method: 'schema_documents', kwargs: { num_docs: 6, seed: 7, ...schemaKwargs() } }, context());
        const docs = input.take(6);
        const fields = docs[0]!.fields!;
        expect(Object.keys(fields).sort()).toEqual(['address', 'features', 'gift', 'labels', 'lines', 'price', 'quantity', 'sku']);
        expect(fields.features).toMatchObject({ kind: 'ndarray', tensor: { shape: [4], dtype: '<f4' } });
        expect(fields.address).toMatchObject({ kind: 'doc', fields: { city: { kind: 'text' }, zip_code: { kind: 'int' } } });
        const answer = await client.post({ endpoint: '/ingest', docs });
        if (answer.status !== 'ok') throw new Error(`/ingest answered ${JSON.stringify(answer)}`);
        const receipts = answer.response.docs.map((doc) => JSON.parse(JSON.stringify(documentFieldValues(doc))) as Record<string, unknown>);
        expect(receipts).toEqual(docs.map((doc) => expect.objectContaining(expectedReceipt(doc))));
        // Reproducible: the same seed and client give the same documents; another client others.
        const again = (await createInput({ method: 'schema_documents', kwargs: { num_docs: 6, seed: 7, ...schemaKwargs() } }, context())).take(6);
        expect(again).toEqual(docs);
        const other = (await createInput({ method: 'schema_documents', kwargs: { num_docs: 6, seed: 7, ...schemaKwargs() } }, context(1))).take(6);
        expect(other.map((doc) => doc.fields!.sku)).not.toEqual(docs.map((doc) => doc.fields!.sku));
      }, 60_000);

      it('a load step with it passes its checks: no errors, no violations', async () => {
        const onAlways: NamedCall =
          protocol === 'websocket'
            ? { method: 'expect', kwargs: { fields: { id: { equals_request: true }, features_shape: { equals: [4] }, line_count: { between: [1, 3] }, sku: { non_empty: true } } } }
            : { method: 'matches_schema', kwargs: {} };
        const report = await runLoad({
          params: loadParams({
            client: protocol,
            executionTimeS: 1,
            requestSize: 4,
            endpoint: '/ingest',
            inputs: { method: 'schema_documents', kwargs: { num_docs: 20, ...schemaKwargs() } },
            onAlways,
          }),
          target: target(),
          job: 'typed',
          step: 'ingest',
          method: 'index',
          context: { baseDir: tmp, helpersDir: join(tmp, 'helpers'), endpointSchemas: schemas },
        });
        expect(report.requests).toBeGreaterThan(0);
        expect(report.errors.total).toBe(0);
        expect(report.violations.count).toBe(0);
      }, 60_000);

      it('maps random_texts onto TextDoc.text and random_images onto ImageDoc.tensor', async () => {
        const texts = await createInput({ method: 'random_texts', kwargs: { num_docs: 3 }, map: { text: 'text' } }, context(0, '/shout'));
        const sent = texts.take(3);
        expect(sent[0]).toEqual({ id: expect.any(String), fields: { text: { kind: 'text', value: expect.any(String) } } });
        const shouted = await client.post({ endpoint: '/shout', docs: sent });
        if (shouted.status !== 'ok') throw new Error(JSON.stringify(shouted));
        expect(shouted.response.docs.map((doc) => documentFieldValues(doc).text)).toEqual(sent.map((doc) => (plain(doc.fields!.text!) as string).toUpperCase()));

        const images = await createInput({ method: 'random_images', kwargs: { num_docs: 2, shape: [5, 4, 3] }, map: { tensor: 'tensor' } }, context(0, '/describe_image'));
        const pictures = images.take(2);
        const described = await client.post({ endpoint: '/describe_image', docs: pictures });
        if (described.status !== 'ok') throw new Error(JSON.stringify(described));
        const infos = described.response.docs.map((doc) => documentFieldValues(doc));
        expect(infos.map((info) => info.shape)).toEqual([[5, 4, 3], [5, 4, 3]]);
        const mean = (doc: JinaDocument) => {
          const values = tensorToNumbers((doc.fields!.tensor as Extract<TypedValue, { kind: 'ndarray' }>).tensor);
          return values.reduce((a, b) => a + b, 0) / values.length;
        };
        expect(infos.map((info) => info.mean)).toEqual(pictures.map((doc) => expect.closeTo(mean(doc), 6)));
      }, 60_000);

      if (protocol !== 'grpc') return;

      it('a required field schema_documents cannot make is an error before the phase, naming endpoint, field and input', async () => {
        let sent = 0;
        const failure = runLoad({
          params: loadParams({ client: protocol, executionTimeS: 1, endpoint: '/coded', inputs: { method: 'schema_documents', kwargs: {} } }),
          target: target(),
          job: 'typed',
          step: 'coded',
          method: 'index',
          context: { baseDir: tmp, helpersDir: join(tmp, 'helpers'), endpointSchemas: schemas },
          createClient: (options) => {
            const real = createGatewayClient(options);
            return { ...real, target: real.target, connect: (s) => real.connect(s), close: () => real.close(), dryRun: () => real.dryRun(), info: () => real.info(), post: (request) => (sent++, real.post(request)) };
          },
        });
        await expect(failure).rejects.toThrow(StressError);
        await expect(failure).rejects.toMatchObject({
          code: 'INPUT',
          message: expect.stringMatching(/input schema_documents cannot produce what endpoint \/coded \(Coded\) requires: code \(a string matching the pattern "\^\[A-Z\]\{3\}-\[0-9\]\{4\}\$"\)/),
        });
        expect(sent).toBe(0);
      }, 60_000);

      it('a map that leaves required fields empty is an error before the phase, naming them', async () => {
        const failure = createInput({ method: 'random_texts', kwargs: { num_docs: 2 }, map: { sku: 'text' } }, context());
        await expect(failure).rejects.toMatchObject({
          code: 'INPUT',
          message: expect.stringContaining('input random_texts with map {"sku":"text"} does not fit endpoint /ingest (Order): it requires quantity, price, gift, labels, address, lines, features, which the map does not fill'),
        });
        const wrongType = createInput({ method: 'random_images', kwargs: { num_docs: 1, shape: [2, 2, 3] }, map: { tensor: 'tags.filename' } }, context(0, '/describe_image'));
        await expect(wrongType).rejects.toMatchObject({
          code: 'INPUT',
          message: expect.stringContaining('tags.filename cannot fill tensor: an NdArray field needs a tensor, got "image 0" (endpoint /describe_image (ImageDoc))'),
        });
      });
    });
  }
});
