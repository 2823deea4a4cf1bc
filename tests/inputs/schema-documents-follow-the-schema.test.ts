import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { withNestedNdArrays } from '../../src/checks/ndarray-schemas.ts';
import { createInput } from '../../src/inputs/create-input.ts';
import type { InputContext } from '../../src/inputs/input-source.ts';
import { documentToJson } from '../../src/protocol/document-json.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';
import { encodeDocuments } from '../../src/protocol/codec.ts';

// What docarray 0.41 writes for a document with one field of every kind
// (`T.model_json_schema()`: NdArray, NdArray[2, 3], Optional, Union, bytes, AnyUrl, Literal,
// Dict, Tuple, List[Sub], Optional[Sub], List[float], ImageBytes).
const schema: JsonObject = {
  $defs: { Sub: { properties: { id: { anyOf: [{ type: 'string' }, { type: 'null' }] }, a: { type: 'integer', minimum: 5, maximum: 9 } }, required: ['a'], title: 'Sub', type: 'object' } },
  properties: {
    id: { anyOf: [{ type: 'string' }, { type: 'null' }], title: 'Id' },
    nd: { items: { type: 'number' }, 'tensor/array shape': 'not specified', title: 'Nd', type: 'array' },
    nd2: { items: { type: 'number' }, 'tensor/array shape': '[2, 3]', title: 'Nd2', type: 'array' },
    opt: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null },
    u: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
    b: { format: 'binary', type: 'string' },
    url: { type: 'string' },
    lit: { enum: ['x', 'y'], type: 'string' },
    d: { additionalProperties: { type: 'integer' }, type: 'object' },
    tup: { maxItems: 2, minItems: 2, prefixItems: [{ type: 'integer' }, { type: 'string' }], type: 'array' },
    subs: { items: { $ref: '#/$defs/Sub' }, type: 'array' },
    optsub: { anyOf: [{ $ref: '#/$defs/Sub' }, { type: 'null' }], default: null },
    f: { items: { type: 'number' }, type: 'array', maxItems: 2 },
    when: { type: 'string', format: 'date-time' },
  },
  required: ['nd', 'nd2', 'u', 'b', 'url', 'lit', 'd', 'tup', 'subs', 'f', 'when'],
  title: 'T',
  type: 'object',
};

const tmp = mkdtempSync(join(tmpdir(), 'schema-follow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function context(overrides: Partial<InputContext> = {}): InputContext {
  return {
    baseDir: tmp,
    helpersDir: join(tmp, 'helpers'),
    clientIndex: 0,
    endpoint: '/t',
    docarray: 'v2',
    endpointSchemas: { status: 'found', source: 'test', endpoints: { '/t': { input: schema } } },
    ...overrides,
  };
}

describe('schema_documents', () => {
  it('makes documents whose JSON (the HTTP body) validates against the schema, every field filled', async () => {
    const input = await createInput({ method: 'schema_documents', kwargs: { num_docs: 30, seed: 3, shape: [5] } }, context());
    const docs = input.take(30);
    const validate = new Ajv({ strict: false, allErrors: true }).compile(withNestedNdArrays(schema) as object);
    for (const doc of docs) {
      const json = documentToJson(doc, 'v2');
      // NdArray[2, 3] nests by shape: two lists of three (as matches_schema reads it).
      expect(json.nd2).toEqual([expect.any(Array), expect.any(Array)]);
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(Object.keys(json).sort()).toEqual(Object.keys(schema.properties as object).sort());
    }
    const first = docs[0]!.fields!;
    expect(first.nd).toMatchObject({ kind: 'ndarray', tensor: { shape: [5] } });
    expect(first.nd2).toMatchObject({ kind: 'ndarray', tensor: { shape: [2, 3] } });
    expect(first.b).toMatchObject({ kind: 'bytes' });
    expect(first.subs).toMatchObject({ kind: 'list' });
    const subs = (first.subs as { items: unknown[] }).items;
    expect(subs.length).toBeGreaterThanOrEqual(1);
    expect(subs.length).toBeLessThanOrEqual(3);
    expect(subs[0]).toMatchObject({ kind: 'doc', fields: { a: { kind: 'int' } } });
    // Every document encodes to protobuf (gRPC, WebSocket).
    expect(encodeDocuments(docs, 'v2').every((bytes) => bytes.byteLength > 0)).toBe(true);
  });

  it('with optional_fields: false fills only what the schema requires', async () => {
    const [doc] = (await createInput({ method: 'schema_documents', kwargs: { num_docs: 1, optional_fields: false } }, context())).take(1);
    expect(Object.keys(doc!.fields!).sort()).toEqual([...(schema.required as string[])].sort());
  });

  it('reads schema_file: a document schema, or a step\'s `endpoint schemas.json`', async () => {
    const plain = join(tmp, 'doc.json');
    writeFileSync(plain, JSON.stringify(schema));
    const attachment = join(tmp, 'endpoint schemas.json');
    writeFileSync(attachment, JSON.stringify({ status: 'found', source: 'gRPC endpoint_discovery', endpoints: { '/t': { input: schema } } }));
    const unavailable = { status: 'unavailable' as const, reason: 'Jina\'s WebSocket gateway publishes no document schemas' };
    for (const file of [plain, attachment]) {
      const [doc] = (await createInput({ method: 'schema_documents', kwargs: { num_docs: 1, schema_file: file } }, context({ endpointSchemas: unavailable }))).take(1);
      expect(doc!.fields!.nd2).toMatchObject({ kind: 'ndarray' });
    }
    await expect(createInput({ method: 'schema_documents', kwargs: {} }, context({ endpointSchemas: unavailable }))).rejects.toMatchObject({
      code: 'INPUT',
      message: 'input schema_documents: no input schema for /t: Jina\'s WebSocket gateway publishes no document schemas',
      hint: expect.stringContaining('kwargs.schema_file'),
    });
  });

  it('refuses a docarray v1 Flow, and typed fields never reach a v1 encoder', async () => {
    await expect(createInput({ method: 'schema_documents', kwargs: {} }, context({ docarray: 'v1' }))).rejects.toMatchObject({ code: 'INPUT', message: expect.stringContaining('docarray v1') });
    await expect(createInput({ method: 'random_texts', kwargs: {}, map: { text: 'text' } }, context({ docarray: 'v1' }))).rejects.toMatchObject({ code: 'INPUT' });
    const [doc] = (await createInput({ method: 'schema_documents', kwargs: { num_docs: 1 } }, context())).take(1);
    expect(() => encodeDocuments([doc!], 'v1')).toThrow(/typed fields .* which docarray v1 documents cannot carry/);
  });
});
