import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetImages } from '../../src/inputs/dataset-images.ts';
import { jsonlDocuments } from '../../src/inputs/jsonl-documents.ts';
import { wikipediaDocs } from '../../src/inputs/wikipedia-docs.ts';
import { tensorValues } from '../../src/protocol/tensor.ts';

const fixtures = resolve(import.meta.dirname, '../../fixtures');
const context = { baseDir: fixtures, helpersDir: 'helpers', clientIndex: 0 };

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'inputs-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('dataset_images', () => {
  it('decodes the PNG and JPEG files of a folder, in name order, to H×W×3 uint8 tensors', async () => {
    const source = await datasetImages({ directory: 'data/images' }, context);
    expect(source.size).toBe(8);
    const docs = source.take(8);
    expect(docs.map((doc) => doc.tags!.filename)).toEqual([
      'checker.png', 'diagonal.png', 'gradient-blue.png', 'gradient-red.png',
      'noise-warm.jpg', 'rings.jpg', 'stripes-horizontal.png', 'stripes-vertical.jpg',
    ]);
    const checker = docs[0]!;
    expect(checker).toMatchObject({ mimeType: 'image/png', tensor: { dtype: '|u1', shape: [64, 64, 3] } });
    const pixels = tensorValues(checker.tensor!) as Uint8Array;
    expect(Array.from(pixels.subarray(0, 3))).toEqual([0, 60, 120]);
    const at = (x: number, y: number) => Array.from(pixels.subarray((y * 64 + x) * 3, (y * 64 + x) * 3 + 3));
    expect(at(16, 0)).toEqual([250, 200, 0]);
    // JPEG is lossy: the stripes are still dark then light.
    const stripes = tensorValues(docs[7]!.tensor!) as Uint8Array;
    expect(stripes[0]!).toBeLessThan(60);
    expect(stripes[8 * 3]!).toBeGreaterThan(200);
    expect(docs[7]!.mimeType).toBe('image/jpeg');
  });

  it("limits to num_docs, accepts the seed's dataset_path and names every place tried", async () => {
    expect((await datasetImages({ dataset_path: 'data/images', num_docs: 2 }, context)).size).toBe(2);
    await expect(datasetImages({ directory: 'nope' }, context)).rejects.toThrow(
      `input dataset_images: nope not found; tried ${join(fixtures, 'nope')}, ${join(process.cwd(), 'nope')}`,
    );
  });
});

describe('wikipedia_docs', () => {
  it('reads <doc> title/url/abstract into text, tags.title and uri', async () => {
    const docs = (await wikipediaDocs({ file: 'data/wikipedia-abstracts.xml', num_docs: 3 }, context)).take(3);
    expect(docs.map((doc) => doc.tags!.title)).toEqual(['Apollo', 'Lighthouse', 'Volcano']);
    expect(docs[0]!.text).toMatch(/^Apollo is a deity/);
    expect(docs[1]!.uri).toBe('https://en.wikipedia.org/wiki/Lighthouse');
    expect((await wikipediaDocs({ file: 'data/wikipedia-abstracts.xml', num_docs: 1000 }, context)).size).toBe(24);
  });

  it('streams: it stops after num_docs and never reads the broken tail of a file', async () => {
    const file = join(scratch, 'broken-tail.xml');
    const good = '<feed>\n' + Array.from({ length: 3 }, (_, i) => `<doc><title>Wikipedia: T${i}</title><abstract>A${i}</abstract></doc>\n`).join('');
    await writeFile(file, good + 'x'.repeat(2_000_000) + '<doc><title>unclosed');
    const docs = (await wikipediaDocs({ file, num_docs: 2 }, context)).take(2);
    expect(docs.map((doc) => doc.text)).toEqual(['A0', 'A1']);
    await writeFile(join(scratch, 'bad.xml'), '<feed><doc><title>x</doc></feed>');
    await expect(wikipediaDocs({ file: join(scratch, 'bad.xml') }, context)).rejects.toThrow(/is not well-formed XML/);
  });
});

describe('jsonl', () => {
  it('reads id, text, tags and tensors (typed or nested) per line', async () => {
    const docs = (await jsonlDocuments({ file: 'data/products.jsonl' }, context)).take(12);
    expect(docs[0]).toMatchObject({ id: 'shoe-001', text: 'lightweight running shoe with breathable mesh', tags: { category: 'shoes', price: 79.9 } });
    expect(docs[1]!.tensor).toMatchObject({ dtype: '<f4', shape: [2, 2] });
    expect(Array.from(tensorValues(docs[1]!.tensor!) as Float32Array)).toEqual([1, 1.5, 2, 2.5]);
    expect(docs[3]!.embedding).toMatchObject({ dtype: '<f8', shape: [4] });
  });

  it('names file:line for a bad line and gives ids to lines without one', async () => {
    const file = join(scratch, 'bad.jsonl');
    await writeFile(file, '{"text": "fine"}\n\n{"text": "x", "colour": "red"}\n');
    await expect(jsonlDocuments({ file }, context)).rejects.toThrow(`input jsonl: ${file}:3: unknown key(s) colour`);
    const [first] = (await jsonlDocuments({ file, num_docs: 1 }, context)).take(1);
    expect(first!.id).toMatch(/^[0-9a-f]{32}$/);
  });
});
