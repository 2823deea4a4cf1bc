import { describe, expect, it } from 'vitest';
import { createTensor, tensorValues } from '../../../src/protocol/tensor.ts';
import { referenceEncoder } from '../../../src/reference-runtime/executors/reference-encoder.ts';
import type { ExecutorSetup } from '../../../src/reference-runtime/executors/simulated-executor.ts';

const setup = (usesWith: ExecutorSetup['usesWith'] = {}): ExecutorSetup => ({
  deployment: 'enc',
  className: 'ReferenceEncoder',
  shardIndex: 0,
  shardCount: 1,
  usesWith,
  metas: {},
  workdir: '/tmp',
});

const norm = (values: ArrayLike<number>) => Math.sqrt(Array.from(values).reduce((sum, v) => sum + v * v, 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, v, i) => sum + v * b[i]!, 0);

describe('referenceEncoder', () => {
  it('gives equal texts equal float32 unit embeddings of the configured dim', async () => {
    const encoder = await referenceEncoder.create(setup({ dim: 16 }));
    const { docs } = await encoder.process({
      endpoint: '/index',
      docs: [
        { id: 'a', text: 'the quick brown fox' },
        { id: 'b', text: 'The quick brown fox' },
        { id: 'c', text: 'an unrelated sentence about music' },
        { id: 'd' },
      ],
      parameters: {},
      replicaIndex: 0,
    });
    const [a, b, c, d] = docs.map((doc) => doc.embedding);
    expect(a).toMatchObject({ dtype: '<f4', shape: [16] });
    expect(Array.from(tensorValues(a!) as Float32Array)).toEqual(Array.from(tensorValues(b!) as Float32Array));
    expect(norm(tensorValues(a!) as Float32Array)).toBeCloseTo(1, 5);
    expect(dot(tensorValues(a!) as Float32Array, tensorValues(c!) as Float32Array)).toBeLessThan(0.9);
    expect(d).toBeUndefined();
  });

  it('embeds image tensors so a slightly changed image stays close and another one does not', async () => {
    const encoder = await referenceEncoder.create(setup());
    const pixels = (seed: number) => Uint8Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * 7919 + seed * 104729) % 251);
    const original = pixels(1);
    const noisy = original.map((value, i) => (i % 97 === 0 ? (value + 3) % 256 : value));
    const other = pixels(2);
    const { docs } = await encoder.process({
      endpoint: '/search',
      docs: [original, noisy, other].map((values, i) => ({ id: `img-${i}`, tensor: createTensor(values, { shape: [224, 224, 3] }) })),
      parameters: {},
      replicaIndex: 0,
    });
    const [x, y, z] = docs.map((doc) => tensorValues(doc.embedding!) as Float32Array);
    expect(x).toHaveLength(128);
    expect(dot(x!, y!)).toBeGreaterThan(0.99);
    expect(dot(x!, z!)).toBeLessThan(0.5);
  });

  it("encodes chunks too with traversal_paths '@r,c'", async () => {
    const encoder = await referenceEncoder.create(setup({ traversal_paths: '@r,c', dim: 8 }));
    const { docs } = await encoder.process({
      endpoint: '/index',
      docs: [{ id: 'p', text: 'parent', chunks: [{ id: 'c1', text: 'child one' }] }],
      parameters: {},
      replicaIndex: 0,
    });
    expect(docs[0]!.embedding?.shape).toEqual([8]);
    expect(docs[0]!.chunks![0]!.embedding?.shape).toEqual([8]);
  });

  it('rejects a bad dim with the deployment and key in the message', async () => {
    await expect(referenceEncoder.create(setup({ dim: 0 }))).rejects.toThrow(
      'executor "enc" (ReferenceEncoder): uses_with.dim = 0 is not a number in [1, Infinity]',
    );
  });
});
