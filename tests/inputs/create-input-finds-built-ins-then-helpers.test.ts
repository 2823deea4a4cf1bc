import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInput } from '../../src/inputs/create-input.ts';

const repoHelpers = resolve(import.meta.dirname, '../../helpers');
let emptyHelpers: string;
beforeAll(async () => {
  emptyHelpers = await mkdtemp(join(tmpdir(), 'helpers-'));
});
afterAll(() => rm(emptyHelpers, { recursive: true, force: true }));

describe('createInput', () => {
  it('creates a built-in input by name', async () => {
    const source = await createInput({ method: 'random_texts', kwargs: { num_docs: 2 } }, { baseDir: '.', helpersDir: repoHelpers, clientIndex: 0 });
    expect(source.name).toBe('random_texts');
    expect(source.take(2)).toHaveLength(2);
  });

  it('finds a user input exported from helpers/inputs.ts', async () => {
    const source = await createInput(
      { method: 'numbered_texts', kwargs: { num_docs: 3, prefix: 'sku' } },
      { baseDir: '.', helpersDir: repoHelpers, clientIndex: 2 },
    );
    expect(source.take(4).map((doc) => doc.id)).toEqual(['sku-2-0', 'sku-2-1', 'sku-2-2', 'sku-2-0']);
  });

  it('lists built-ins and helper exports for an unknown name', async () => {
    await expect(createInput({ method: 'random_imgs', kwargs: {} }, { baseDir: '.', helpersDir: repoHelpers, clientIndex: 0 })).rejects.toThrow(
      `unknown input "random_imgs"; built-in: random_images, random_texts, dataset_images, wikipedia_docs, jsonl, schema_documents; ${join(repoHelpers, 'inputs.ts')} exports: numbered_texts`,
    );
    await expect(createInput({ method: 'x', kwargs: {} }, { baseDir: '.', helpersDir: emptyHelpers, clientIndex: 0 })).rejects.toThrow(
      `no helper module (looked for ${join(emptyHelpers, 'inputs.ts')}`,
    );
  });

  it('loads a JavaScript helper module too', async () => {
    await writeFile(
      join(emptyHelpers, 'inputs.mjs'),
      "export const one_doc = async () => ({ name: 'one_doc', size: 1, take: (n) => Array.from({ length: n }, () => ({ id: 'only' })) });\n",
    );
    const source = await createInput({ method: 'one_doc', kwargs: {} }, { baseDir: '.', helpersDir: emptyHelpers, clientIndex: 0 });
    expect(source.take(2)).toEqual([{ id: 'only' }, { id: 'only' }]);
  });
});
