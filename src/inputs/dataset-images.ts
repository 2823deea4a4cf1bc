import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { StressError } from '../errors.ts';
import type { JinaDocument } from '../protocol/document.ts';
import { createTensor } from '../protocol/tensor.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

const MIME_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/**
 * The seed's `dataset_images`: the PNG/JPEG files of `directory` (the seed's `dataset_path`
 * also works), in name order, at most `num_docs`, each decoded (pngjs, jpeg-js) to an
 * H×W×3 uint8 tensor (alpha dropped), with the mime type and `tags.filename`. Ids derive
 * from the file name, so every client and run sends the same ids for the same file.
 */
export const datasetImages = withKwargs(
  kwargsSchema(
    { kind: 'input', name: 'dataset_images' },
    { directory: kwarg.string(), dataset_path: kwarg.string(), num_docs: kwarg.optionalInteger({ min: 1, max: 1_000_000 }) },
    (args, report) => {
      if (args.directory === undefined && args.dataset_path === undefined) report('directory', 'a folder of PNG/JPEG images');
    },
  ),
  async ({ directory: given, dataset_path, num_docs: numDocs }, context: InputContext): Promise<InputSource> => {
    const path = (given ?? dataset_path) as string;
    const directory = resolveInputPath(path, context, 'dataset_images');
    const names = (await readdir(directory)).filter((name) => MIME_TYPES[extname(name).toLowerCase()]).sort();
    if (names.length === 0) {
      throw new StressError('INPUT', `input dataset_images: no .png/.jpg/.jpeg file in ${directory}`, {
        hint: 'Point directory at a folder of PNG or JPEG images.',
      });
    }
    // The decoders load here, not with the module: config validation reads this file's kwargs.
    const decoders = { png: (await import('pngjs')).default, jpeg: (await import('jpeg-js')).default };
    const docs: JinaDocument[] = [];
    for (const name of names.slice(0, numDocs ?? names.length)) {
      const file = join(directory, name);
      const mimeType = MIME_TYPES[extname(name).toLowerCase()]!;
      docs.push({
        id: documentId(`dataset_images/${name}`),
        tensor: decodeImage(decoders, await readFile(file), mimeType, file),
        mimeType,
        tags: { filename: name },
      });
    }
    return createCyclingSource('dataset_images', docs);
  },
);

interface ImageDecoders {
  png: typeof import('pngjs');
  jpeg: typeof import('jpeg-js');
}

function decodeImage(decoders: ImageDecoders, bytes: Buffer, mimeType: string, file: string) {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    rgba = mimeType === 'image/png' ? decoders.png.PNG.sync.read(bytes) : decoders.jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  } catch (error) {
    throw new StressError('INPUT', `input dataset_images: cannot decode ${file}: ${(error as Error).message}`, {
      hint: 'Is the file a valid PNG/JPEG?',
      cause: error,
    });
  }
  const { width, height, data } = rgba;
  const rgb = new Uint8Array(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) {
    rgb[pixel * 3] = data[pixel * 4]!;
    rgb[pixel * 3 + 1] = data[pixel * 4 + 1]!;
    rgb[pixel * 3 + 2] = data[pixel * 4 + 2]!;
  }
  return createTensor(rgb, { shape: [height, width, 3] });
}
