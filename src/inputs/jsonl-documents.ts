import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { StressError } from '../errors.ts';
import type { JinaDocument, Tensor } from '../protocol/document.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { createTensor, isNumpyDtype, tensorFromNested, type NumpyDtype } from '../protocol/tensor.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

const KEYS = ['id', 'text', 'tags', 'tensor', 'embedding', 'uri', 'mime_type', 'mimeType'];
const DTYPE_NAMES: Record<string, NumpyDtype> = {
  float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2', int32: '<i4', int64: '<i8',
};

/**
 * One document per line of a JSON Lines file: `{id?, text?, tags?, tensor?, embedding?,
 * uri?, mime_type?}`. A tensor is a nested list (numpy's rules: all integers → int64, else
 * float64) or `{dtype: float32, shape: [...], data: [...]}`. Blank lines are skipped; a bad
 * line is an INPUT error naming file:line. Reads only as far as `num_docs`.
 */
export const jsonlDocuments = withKwargs(
  kwargsSchema(
    { kind: 'input', name: 'jsonl' },
    { file: kwarg.string(), dataset_path: kwarg.string(), num_docs: kwarg.optionalInteger({ min: 1, max: 1_000_000 }) },
    (args, report) => {
      if (args.file === undefined && args.dataset_path === undefined) report('file', 'a .jsonl file');
    },
  ),
  async ({ file: given, dataset_path, num_docs: numDocs }, context: InputContext): Promise<InputSource> => {
    const file = resolveInputPath((given ?? dataset_path) as string, context, 'jsonl');

    const docs: JinaDocument[] = [];
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    try {
      for await (const line of lines) {
        lineNumber++;
        if (line.trim() === '') continue;
        docs.push(parseLine(line, `${file}:${lineNumber}`));
        if (numDocs !== undefined && docs.length >= numDocs) break;
      }
    } finally {
      lines.close();
    }
    return createCyclingSource('jsonl', docs);
  },
);

function parseLine(line: string, where: string): JinaDocument {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw lineError(where, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw lineError(where, 'expected a JSON object');
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) throw lineError(where, `unknown key(s) ${unknown.join(', ')}; allowed: ${KEYS.join(', ')}`);
  const doc: JinaDocument = { id: typeof record.id === 'string' && record.id !== '' ? record.id : documentId(`jsonl/${where}`) };
  if (record.text !== undefined) doc.text = expectString(record.text, 'text', where);
  if (record.uri !== undefined) doc.uri = expectString(record.uri, 'uri', where);
  const mimeType = record.mime_type ?? record.mimeType;
  if (mimeType !== undefined) doc.mimeType = expectString(mimeType, 'mime_type', where);
  if (record.tags !== undefined) {
    if (typeof record.tags !== 'object' || record.tags === null || Array.isArray(record.tags)) throw lineError(where, 'tags must be an object');
    doc.tags = record.tags as JsonObject;
  }
  if (record.tensor !== undefined) doc.tensor = readTensor(record.tensor, 'tensor', where);
  if (record.embedding !== undefined) doc.embedding = readTensor(record.embedding, 'embedding', where);
  return doc;
}

function readTensor(value: unknown, key: string, where: string): Tensor {
  try {
    if (Array.isArray(value)) return tensorFromNested(value);
    const spec = value as { dtype?: unknown; shape?: unknown; data?: unknown };
    if (typeof spec !== 'object' || spec === null || !Array.isArray(spec.data)) throw new Error('expected a nested list or {dtype, shape, data}');
    const dtypeName = typeof spec.dtype === 'string' ? spec.dtype : 'float32';
    const dtype = DTYPE_NAMES[dtypeName] ?? (isNumpyDtype(dtypeName) ? dtypeName : undefined);
    if (!dtype) throw new Error(`unknown dtype ${JSON.stringify(spec.dtype)}; allowed: ${Object.keys(DTYPE_NAMES).join(', ')}`);
    const data = (spec.data as unknown[]).flat(Infinity) as number[];
    const shape = Array.isArray(spec.shape) ? (spec.shape as number[]) : [data.length];
    return createTensor(data, { dtype, shape });
  } catch (error) {
    throw lineError(where, `${key}: ${(error as Error).message}`);
  }
}

function expectString(value: unknown, key: string, where: string): string {
  if (typeof value !== 'string') throw lineError(where, `${key} must be a string`);
  return value;
}

function lineError(where: string, message: string): StressError {
  return new StressError('INPUT', `input jsonl: ${where}: ${message}`, { hint: 'Fix that line of the JSON Lines file.' });
}
