import { StressError } from '../errors.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { JinaDocument, TypedFields, TypedValue } from '../protocol/document.ts';
import { createSeededRandom } from '../seeded-random.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { describeEndpoint, endpointInputSchema } from './endpoint-input-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { schemaDocument, type Unproducible } from './schema-values.ts';

const MAX_BYTES_PER_CLIENT = 512 * 1024 * 1024;

/**
 * `schema_documents`: `num_docs` documents that fit the endpoint's input schema (docarray v2),
 * every field generated from what the schema declares (see schema-values.ts): strings,
 * numbers, booleans, lists, dicts, nested documents and DocLists, NdArrays of the declared
 * shape (`shape` when none is declared). Seeded by `seed` and the client index: reproducible,
 * different per client. The schema is the one the gateway published for the step's endpoint
 * (`endpoint` to pick another), or `schema_file`. A required field it cannot make is an
 * INPUT error naming the endpoint and every such field, before the phase starts.
 */
export const schemaDocuments = withKwargs(
  kwargsSchema({ kind: 'input', name: 'schema_documents' }, {
    num_docs: kwarg.integer({ min: 1, max: 100_000, default: 100 }),
    seed: kwarg.integer({ min: 0, default: 0 }),
    endpoint: kwarg.string('an endpoint like "/index"'),
    schema_file: kwarg.string('a JSON Schema file (a document\'s, or a step\'s `endpoint schemas.json`)'),
    max_items: kwarg.integer({ min: 1, max: 1_000, default: 3 }),
    shape: kwarg.integerList([8]),
    optional_fields: kwarg.boolean(true),
  }),
  async (args, context: InputContext): Promise<InputSource> => {
    const found = endpointInputSchema('schema_documents', context, { endpoint: args.endpoint, schemaFile: args.schema_file });
    const random = createSeededRandom(`schema_documents/${args.seed}/${context.clientIndex}`);
    const options = { random, maxItems: args.max_items, defaultShape: args.shape, fillOptional: args.optional_fields };
    const docs: JinaDocument[] = [];
    for (let index = 0; index < args.num_docs; index++) {
      const problems: Unproducible[] = [];
      const fields = schemaDocument(found.schema, options, problems);
      // Which fields cannot be made depends on the schema, not on the values: the first document tells.
      if (problems.length > 0) throw unproducible(describeEndpoint(found), found.source, problems);
      docs.push({ id: documentId(`schema_documents/${args.seed}/${context.clientIndex}/${index}`), fields });
      if (index === 0 && byteSize(fields) * args.num_docs > MAX_BYTES_PER_CLIENT) {
        throw new StressError('INPUT', `input schema_documents: ${args.num_docs} documents of ${describeEndpoint(found)} hold more than 512 MiB per client`, {
          hint: 'Lower num_docs (the input cycles through its documents) or max_items.',
        });
      }
    }
    return createCyclingSource('schema_documents', docs);
  },
);

function unproducible(endpoint: string, source: string, problems: Unproducible[]): StressError {
  const fields = problems.map((problem) => `${problem.path} (${problem.why})`).join('; ');
  return new StressError('INPUT', `input schema_documents cannot produce what endpoint ${endpoint} requires: ${fields} [schema from ${source}]`, {
    hint: `Make ${problems.length === 1 ? 'that field' : 'those fields'} optional in the executor's document, or feed them from an input of your own mapped onto the schema (inputs: {method, map: {<field>: <input field>}}).`,
  });
}

function byteSize(fields: TypedFields): number {
  const size = (value: TypedValue): number => {
    switch (value.kind) {
      case 'ndarray':
        return value.tensor.buffer.byteLength;
      case 'bytes':
        return value.value.byteLength;
      case 'text':
        return value.value.length;
      case 'list':
        return value.items.reduce((sum, item) => sum + size(item), 0);
      case 'dict':
        return Object.values(value.entries).reduce((sum, item) => sum + size(item), 0);
      case 'doc':
        return byteSize(value.fields);
      default:
        return 8;
    }
  };
  return Object.values(fields).reduce((sum, value) => sum + size(value), 0);
}
