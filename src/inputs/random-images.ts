import type { JinaDocument } from '../protocol/document.ts';
import { createTensor } from '../protocol/tensor.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { createSeededRandom } from '../seeded-random.ts';

/**
 * The seed's `random_images`: `num_docs` tensors of 224×224×3 random pixels (0–255), mime
 * type image/png, `tags.filename = "image <n>"`. `dtype: uint8` (default, 150 KB a
 * document) or `float32` (the same values, 600 KB); `shape` overrides the size. Pixels come
 * from a PRNG seeded by `seed` and the client index: reproducible, different per client.
 */
export const randomImages = withKwargs(
  kwargsSchema({ kind: 'input', name: 'random_images' }, {
    num_docs: kwarg.integer({ min: 1, default: 100 }),
    dtype: kwarg.choice(['uint8', 'float32'], 'uint8'),
    shape: kwarg.integerList([224, 224, 3]),
    seed: kwarg.integer({ min: 0, default: 0 }),
  }),
  async ({ num_docs: numDocs, dtype, shape, seed }, context: InputContext): Promise<InputSource> => {

  const random = createSeededRandom(`random_images/${seed}/${context.clientIndex}`);
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const docs: JinaDocument[] = [];
  for (let index = 0; index < numDocs; index++) {
    const pixels = new Uint8Array(size);
    const words = new Uint32Array(pixels.buffer, 0, Math.floor(size / 4));
    for (let word = 0; word < words.length; word++) words[word] = random.nextUint32();
    for (let tail = words.length * 4; tail < size; tail++) pixels[tail] = random.nextUint32() & 0xff;
    docs.push({
      id: documentId(`random_images/${seed}/${context.clientIndex}/${index}`),
      tensor: createTensor(dtype === 'uint8' ? pixels : Float32Array.from(pixels), { shape }),
      mimeType: 'image/png',
      tags: { filename: `image ${index}` },
    });
  }
  return createCyclingSource('random_images', docs);
  },
);
