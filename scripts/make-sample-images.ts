/**
 * Writes the sample images of fixtures/data/images/ (run: `npx tsx scripts/make-sample-images.ts`).
 * Small deterministic pictures — gradients, stripes, checkers, rings — in PNG and JPEG, so
 * `dataset_images` has real files to decode and similar pictures stay near in embedding space.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';

const SIZE = 64;
const directory = join(import.meta.dirname, '..', 'fixtures', 'data', 'images');

type Painter = (x: number, y: number) => [number, number, number];

const pictures: Array<{ name: string; format: 'png' | 'jpg'; paint: Painter }> = [
  { name: 'gradient-red', format: 'png', paint: (x, y) => [x * 4, y * 2, 40] },
  { name: 'gradient-blue', format: 'png', paint: (x, y) => [30, y * 2, x * 4] },
  { name: 'stripes-horizontal', format: 'png', paint: (_x, y) => (Math.floor(y / 8) % 2 ? [240, 240, 240] : [20, 20, 20]) },
  { name: 'stripes-vertical', format: 'jpg', paint: (x) => (Math.floor(x / 8) % 2 ? [240, 240, 240] : [20, 20, 20]) },
  { name: 'checker', format: 'png', paint: (x, y) => ((Math.floor(x / 16) + Math.floor(y / 16)) % 2 ? [250, 200, 0] : [0, 60, 120]) },
  { name: 'rings', format: 'jpg', paint: (x, y) => {
    const r = Math.hypot(x - SIZE / 2, y - SIZE / 2);
    const v = Math.floor(r / 6) % 2 ? 220 : 30;
    return [v, 255 - v, 128];
  } },
  { name: 'noise-warm', format: 'jpg', paint: (x, y) => [200 + ((x * 37 + y * 11) % 55), 90 + ((x * 13 + y * 29) % 60), 40] },
  { name: 'diagonal', format: 'png', paint: (x, y) => ((x + y) % 16 < 8 ? [10, 150, 60] : [200, 240, 210]) },
];

mkdirSync(directory, { recursive: true });
for (const { name, format, paint } of pictures) {
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b] = paint(x, y).map((value) => Math.max(0, Math.min(255, Math.round(value))));
      rgba.set([r!, g!, b!, 255], (y * SIZE + x) * 4);
    }
  }
  const bytes =
    format === 'png'
      ? pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: SIZE, height: SIZE }), { data: rgba }))
      : jpeg.encode({ width: SIZE, height: SIZE, data: rgba }, 90).data;
  writeFileSync(join(directory, `${name}.${format}`), bytes);
}
console.log(`wrote ${pictures.length} images to ${directory}`);
