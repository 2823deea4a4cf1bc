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
const MAX_BYTES_PER_CLIENT = 512 * 1024 * 1024;

export const randomImages = withKwargs(
  kwargsSchema({ kind: 'input', name: 'random_images' }, {
    num_docs: kwarg.integer({ min: 1, max: 5_000, default: 100 }),
    dtype: kwarg.choice(['uint8', 'float32'], 'uint8'),
    shape: kwarg.integerList([224, 224, 3]),
    seed: kwarg.integer({ min: 0, default: 0 }),
  }, ({ num_docs: numDocs, dtype, shape }, report) => {
    // Every client builds its documents up front: bound what one client holds.
    const bytesPerDoc = shape.reduce((product, dimension) => product * dimension, 1) * (dtype === 'float32' ? 4 : 1);
    if (numDocs * bytesPerDoc > MAX_BYTES_PER_CLIENT) {
      report('num_docs', `at most ${Math.max(1, Math.floor(MAX_BYTES_PER_CLIENT / bytesPerDoc)).toLocaleString('en-US')} for shape [${shape.join(', ')}] ${dtype} (512 MiB of tensors per client)`);
    }
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
