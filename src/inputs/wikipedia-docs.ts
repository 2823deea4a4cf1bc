import { createReadStream } from 'node:fs';
import { SaxesParser } from 'saxes';
import { StressError } from '../errors.ts';
import type { JinaDocument } from '../protocol/document.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { InputKwargs } from './input-kwargs.ts';
import type { InputFactory } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

const FIELDS = new Set(['title', 'abstract', 'url']);

/**
 * The seed's `wikipedia_docs`: Wikipedia abstract dumps (`<doc><title>Wikipedia: X</title>
 * <url>…</url><abstract>…</abstract>…</doc>`), streamed with saxes so a multi-GB dump is
 * read only as far as `num_docs` (default 100). Text = the abstract, `tags.title` = the
 * title without the "Wikipedia: " prefix, uri = the url.
 */
export const wikipediaDocs: InputFactory = async (kwargs, context) => {
  const args = new InputKwargs('wikipedia_docs', kwargs);
  const path = args.firstString(['file', 'dataset_path']);
  const numDocs = args.integer('num_docs', 100, 1);
  args.rejectUnknown();
  if (path === undefined) throw args.invalid('file', undefined, 'a Wikipedia abstract XML file');
  const file = resolveInputPath(path, context, 'wikipedia_docs');
  return createCyclingSource('wikipedia_docs', await readWikipediaDocs(file, numDocs));
};

export function readWikipediaDocs(file: string, limit: number): Promise<JinaDocument[]> {
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
