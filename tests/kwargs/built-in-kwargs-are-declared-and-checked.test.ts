import { describe, expect, it } from 'vitest';
import { checkTable } from '../../src/checks/create-check.ts';
import { inputTable } from '../../src/inputs/create-input.ts';
import { kwargsSchemaOf } from '../../src/kwargs/kwargs-schema.ts';

describe('kwargs schemas of the built-in inputs and checks', () => {
  it('every built-in declares one, named as configs name it', () => {
    for (const [name, factory] of [...Object.entries(inputTable), ...Object.entries(checkTable)]) {
      const schema = kwargsSchemaOf(factory);
      expect(schema?.owner.name, name).toBe(name);
      expect(schema?.keys.length, name).toBeGreaterThan(0);
    }
  });

  it('read kwargs as the seed wrote them: ~ is absent, numbers may be text, one tag is a list of one', () => {
    const images = kwargsSchemaOf(inputTable.random_images)!;
    expect(images.parse({ num_docs: '7', seed: null })).toEqual({ num_docs: 7, dtype: 'uint8', shape: [224, 224, 3], seed: 0 });
    const validator = kwargsSchemaOf(checkTable.validate_images)!;
    expect(validator.parse({ required_tags: 'filename', type: 'Numpy+BinaryPb' })).toMatchObject({ required_tags: [['filename']], match_count: 'exact' });
    expect(validator.parse({ required_tags: [['filename', 'title'], 'uri'] })).toMatchObject({ required_tags: [['filename', 'title'], ['uri']] });
  });

  it('report every problem at once, each at its kwarg, with the near miss', () => {
    const problems = kwargsSchemaOf(inputTable.random_images)!.check({ num_doc: 3, shape: [2, 0], seed: -1 });
    expect(problems.map((problem) => [problem.key, problem.message])).toEqual([
      ['shape', 'input random_images: shape = [2,0] is not a list of positive integers'],
      ['seed', 'input random_images: seed = -1 is not an integer ≥ 0'],
      ['num_doc', 'input random_images: unknown kwarg(s) num_doc'],
    ]);
    expect(problems[2]?.hint).toBe('did you mean "num_docs"? random_images accepts: num_docs, dtype, shape, seed.');
  });

  it('a factory rejects what its schema rejects, before it does any work', async () => {
    await expect(inputTable.jsonl({}, { baseDir: '.', helpersDir: '.', clientIndex: 0 })).rejects.toMatchObject({
      code: 'INPUT',
      message: 'input jsonl: file is required: a .jsonl file',
    });
    await expect(checkTable.validate_texts({ topk: 3, top: 1 }, { baseDir: '.', helpersDir: '.' })).rejects.toMatchObject({
      code: 'CHECK',
      message: 'check validate_texts: unknown kwarg(s) topk, top',
    });
  });
});
