import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { StressError } from '../errors.ts';
import type { JinaDocument } from '../protocol/document.ts';
import { createTensor } from '../protocol/tensor.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { InputKwargs } from './input-kwargs.ts';
import type { InputFactory } from './input-source.ts';
import { resolveInputPath } from './resolve-input-path.ts';

const MIME_TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/**
 * The seed's `dataset_images`: the PNG/JPEG files of `directory` (the seed's `dataset_path`
 * also works), in name order, at most `num_docs`, each decoded (pngjs, jpeg-js) to an
 * H×W×3 uint8 tensor (alpha dropped), with the mime type and `tags.filename`. Ids derive
 * from the file name, so every client and run sends the same ids for the same file.
 */
export const datasetImages: InputFactory = async (kwargs, context) => {
  const args = new InputKwargs('dataset_images', kwargs);
  const path = args.firstString(['directory', 'dataset_path']);
  const numDocs = args.optionalInteger('num_docs', 1);
  args.rejectUnknown();
  if (path === undefined) throw args.invalid('directory', undefined, 'a folder of PNG/JPEG images');

  const directory = resolveInputPath(path, context, 'dataset_images');
  const names = (await readdir(directory)).filter((name) => MIME_TYPES[extname(name).toLowerCase()]).sort();
  if (names.length === 0) {
    throw new StressError('INPUT', `input dataset_images: no .png/.jpg/.jpeg file in ${directory}`, {
      hint: 'Point directory at a folder of PNG or JPEG images.',
    });
  }
  const docs: JinaDocument[] = [];
  for (const name of names.slice(0, numDocs ?? names.length)) {
    const file = join(directory, name);
    const mimeType = MIME_TYPES[extname(name).toLowerCase()]!;
    docs.push({
      id: documentId(`dataset_images/${name}`),
      tensor: decodeImage(await readFile(file), mimeType, file),
      mimeType,
      tags: { filename: name },
    });
  }
  return createCyclingSource('dataset_images', docs);
};

function decodeImage(bytes: Buffer, mimeType: string, file: string) {
  let rgba: { width: number; height: number; data: Uint8Array };
  try {
    rgba = mimeType === 'image/png' ? pngjs.PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
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
