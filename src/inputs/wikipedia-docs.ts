import { createReadStream } from 'node:fs';
import { StressError } from '../errors.ts';
import type { JinaDocument } from '../protocol/document.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

const FIELDS = new Set(['title', 'abstract', 'url']);

/**
 * The seed's `wikipedia_docs`: Wikipedia abstract dumps (`<doc><title>Wikipedia: X</title>
 * <url>…</url><abstract>…</abstract>…</doc>`), streamed with saxes so a multi-GB dump is
 * read only as far as `num_docs` (default 100). Text = the abstract, `tags.title` = the
 * title without the "Wikipedia: " prefix, uri = the url.
 */
export const wikipediaDocs = withKwargs(
  kwargsSchema(
    { kind: 'input', name: 'wikipedia_docs' },
    { file: kwarg.string(), dataset_path: kwarg.string(), num_docs: kwarg.integer({ min: 1, max: 1_000_000, default: 100 }) },
    (args, report) => {
      if (args.file === undefined && args.dataset_path === undefined) report('file', 'a Wikipedia abstract XML file');
    },
  ),
  async ({ file: given, dataset_path, num_docs: numDocs }, context: InputContext): Promise<InputSource> => {
    const file = resolveInputPath((given ?? dataset_path) as string, context, 'wikipedia_docs');
    return createCyclingSource('wikipedia_docs', await readWikipediaDocs(file, numDocs));
  },
);

export async function readWikipediaDocs(file: string, limit: number): Promise<JinaDocument[]> {
  // Loaded here, not with the module: config validation reads this file's kwargs.
  const { SaxesParser } = await import('saxes');
  return new Promise((resolve, reject) => {
    const docs: JinaDocument[] = [];
    const parser = new SaxesParser({ fileName: file, position: true });
    const stream = createReadStream(file, { encoding: 'utf8' });
    let current: Record<string, string> | undefined;
    let field: string | undefined;
    let isDone = false;
    const finish = (): void => {
      if (isDone) return;
      isDone = true;
      stream.destroy();
      resolve(docs);
    };
    parser.on('opentag', (tag) => {
      if (tag.name === 'doc') current = {};
      else if (current && FIELDS.has(tag.name)) field = tag.name;
    });
    parser.on('text', (text) => {
      if (current && field) current[field] = (current[field] ?? '') + text;
    });
    parser.on('cdata', (text) => {
      if (current && field) current[field] = (current[field] ?? '') + text;
    });
    parser.on('closetag', (tag) => {
      if (tag.name === field) field = undefined;
      if (tag.name !== 'doc' || !current) return;
      docs.push(toDocument(current, docs.length));
      current = undefined;
      if (docs.length >= limit) finish();
    });
    parser.on('error', (error) => {
      isDone = true;
      stream.destroy();
      reject(new StressError('INPUT', `input wikipedia_docs: ${file} is not well-formed XML: ${error.message}`, { cause: error }));
    });
    stream.on('data', (chunk) => {
      if (!isDone) parser.write(chunk as string);
    });
    stream.on('end', () => {
      if (isDone) return;
      parser.close();
      finish();
    });
    stream.on('error', (error) => {
      if (isDone) return;
      isDone = true;
      reject(new StressError('INPUT', `input wikipedia_docs: cannot read ${file}: ${error.message}`, { cause: error }));
    });
  });
}

function toDocument(fields: Record<string, string>, index: number): JinaDocument {
  const title = (fields.title ?? '').trim().replace(/^Wikipedia:\s*/, '');
  const doc: JinaDocument = {
    id: documentId(`wikipedia_docs/${fields.url ?? title}/${index}`),
    text: (fields.abstract ?? '').trim(),
    tags: { title },
  };
  if (fields.url) doc.uri = fields.url.trim();
  return doc;
}
