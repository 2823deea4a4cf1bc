import type { JinaDocument } from '../protocol/document.ts';
import { createCyclingSource } from './cycling-source.ts';
import { documentId } from './document-id.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import type { InputContext, InputSource } from './input-source.ts';
import { createSeededRandom, type SeededRandom } from '../seeded-random.ts';

const WORDS = [
  'first', 'great', 'local', 'small', 'right', 'large', 'young', 'early', 'major', 'clear',
  'black', 'whole', 'third', 'white', 'short', 'human', 'royal', 'wrong', 'legal', 'final',
  'close', 'total', 'prime', 'happy', 'basic', 'aware', 'ready', 'green', 'heavy', 'extra',
  'civil', 'chief', 'usual', 'front', 'fresh', 'joint', 'alone', 'rural', 'light', 'equal',
  'quiet', 'quick', 'daily', 'urban', 'upper', 'moral', 'vital', 'empty', 'brief', 'world',
  'house', 'place', 'group', 'party', 'money', 'point', 'state', 'night', 'water', 'thing',
  'order', 'power', 'court', 'level', 'child', 'south', 'staff', 'woman', 'north', 'sense',
  'range', 'table', 'trade', 'study', 'other', 'price', 'class', 'union', 'value', 'paper',
  'voice', 'stage', 'march', 'board', 'month', 'music', 'field', 'award', 'issue', 'basis',
  'heart', 'force', 'model', 'space', 'river', 'stone', 'cloud', 'bread', 'glass', 'train',
] as const;

function sentence(random: SeededRandom): string {
  const length = random.integer(1, 20);
  const words: string[] = [];
  for (let index = 0; index < length; index++) words.push(WORDS[random.integer(0, WORDS.length - 1)]!);
  return words.join(' ');
}

/**
 * The seed's `random_texts`: `num_docs` texts of one sentence followed by 1–10 more, joined
 * with '. ' (1–20 words each), `tags.filename = "filename <n>"`. With `chunks: true` each
 * sentence is also a chunk document, for Flows that traverse chunks.
 */
export const randomTexts = withKwargs(
  kwargsSchema({ kind: 'input', name: 'random_texts' }, {
    num_docs: kwarg.integer({ min: 1, max: 1_000_000, default: 100 }),
    chunks: kwarg.boolean(false),
    seed: kwarg.integer({ min: 0, default: 0 }),
  }),
  async ({ num_docs: numDocs, chunks: withChunks, seed }, context: InputContext): Promise<InputSource> => {

  const random = createSeededRandom(`random_texts/${seed}/${context.clientIndex}`);
  const docs: JinaDocument[] = [];
  for (let index = 0; index < numDocs; index++) {
    const id = documentId(`random_texts/${seed}/${context.clientIndex}/${index}`);
    const sentences = [sentence(random)];
    const extra = random.integer(1, 10);
    for (let count = 0; count < extra; count++) sentences.push(sentence(random));
    const doc: JinaDocument = { id, text: sentences.join('. '), tags: { filename: `filename ${index}` } };
    if (withChunks) {
      doc.chunks = sentences.map((text, position) => ({ id: `${id}-${position}`, text, parentId: id, granularity: 1 }));
    }
    docs.push(doc);
  }
  return createCyclingSource('random_texts', docs);
  },
);
