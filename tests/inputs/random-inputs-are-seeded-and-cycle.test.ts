import { describe, expect, it } from 'vitest';
import { tensorValues } from '../../src/protocol/tensor.ts';
import { randomImages } from '../../src/inputs/random-images.ts';
import { randomTexts } from '../../src/inputs/random-texts.ts';

const context = (clientIndex = 0) => ({ baseDir: process.cwd(), helpersDir: 'helpers', clientIndex });

describe('random_images', () => {
  it("makes num_docs uint8 224×224×3 tensors tagged like the seed's, cycling on take", async () => {
    const source = await randomImages({ num_docs: 3 }, context());
    expect(source.size).toBe(3);
    const docs = source.take(5);
    expect(docs[0]).toMatchObject({ mimeType: 'image/png', tags: { filename: 'image 0' } });
    expect(docs[0]!.tensor).toMatchObject({ dtype: '|u1', shape: [224, 224, 3] });
    expect(docs[0]!.tensor!.buffer.byteLength).toBe(224 * 224 * 3);
    expect(docs[0]!.id).toMatch(/^[0-9a-f]{32}$/);
    expect(docs.map((doc) => doc.tags!.filename)).toEqual(['image 0', 'image 1', 'image 2', 'image 0', 'image 1']);
    expect(docs[3]).toBe(docs[0]);
    const pixels = tensorValues(docs[0]!.tensor!) as Uint8Array;
    expect(new Set(pixels.subarray(0, 1000)).size).toBeGreaterThan(200);
  });

  it('repeats for the same client and seed, differs between clients, and honours dtype/shape', async () => {
    const a = (await randomImages({ num_docs: 2 }, context(0))).take(2);
    const again = (await randomImages({ num_docs: 2 }, context(0))).take(2);
    const other = (await randomImages({ num_docs: 2 }, context(1))).take(2);
    expect(again.map((doc) => doc.id)).toEqual(a.map((doc) => doc.id));
    expect(Buffer.from(again[1]!.tensor!.buffer).equals(Buffer.from(a[1]!.tensor!.buffer))).toBe(true);
    expect(other[0]!.id).not.toBe(a[0]!.id);
    const float = (await randomImages({ num_docs: 1, dtype: 'float32', shape: [8, 8, 3] }, context())).take(1)[0]!;
    expect(float.tensor).toMatchObject({ dtype: '<f4', shape: [8, 8, 3] });
    expect(Array.from(tensorValues(float.tensor!) as Float32Array).every((v) => Number.isInteger(v) && v >= 0 && v < 256)).toBe(true);
  });

  it('rejects unknown kwargs and bad values by name', async () => {
    await expect(randomImages({ num_doc: 3 }, context())).rejects.toThrow('input random_images: unknown kwarg(s) num_doc');
    await expect(randomImages({ dtype: 'int64' }, context())).rejects.toThrow(
      'input random_images: dtype = "int64" is not one of uint8, float32',
    );
  });
});

describe('random_texts', () => {
  it('makes sentences joined with ". " tagged filename <n>, with chunks on request', async () => {
    const docs = (await randomTexts({ num_docs: 4, chunks: true }, context())).take(4);
    for (const [index, doc] of docs.entries()) {
      expect(doc.tags).toEqual({ filename: `filename ${index}` });
      const sentences = doc.text!.split('. ');
      expect(sentences.length).toBeGreaterThanOrEqual(2);
      expect(sentences.length).toBeLessThanOrEqual(11);
      for (const sentence of sentences) expect(sentence.split(' ').length).toBeLessThanOrEqual(20);
      expect(doc.chunks!.map((chunk) => chunk.text)).toEqual(sentences);
      expect(doc.chunks![0]!.parentId).toBe(doc.id);
    }
    const plain = (await randomTexts({ num_docs: 1 }, context())).take(1)[0]!;
    expect(plain.chunks).toBeUndefined();
    expect(plain.text).toBe(docs[0]!.text);
  });
});
