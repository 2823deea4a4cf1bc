import { createSeededRandom } from '../seeded-random.ts';

/**
 * A 32-hex-digit id (the shape of Jina's uuid hex ids) derived from a key, so generated and
 * file-based inputs give the same ids on every run and every machine.
 */
export function documentId(key: string): string {
  const random = createSeededRandom(key);
  let id = '';
  for (let part = 0; part < 4; part++) id += random.nextUint32().toString(16).padStart(8, '0');
  return id;
}
