/**
 * User inputs, loaded by name: a config's `inputs: {method: numbered_texts, kwargs: {...}}`
 * finds the export `numbered_texts` here when no built-in has that name. In your own project
 * import defineInput from 'jina-stress'; this repository imports it from source.
 */
import type { JinaDocument } from '../src/protocol/document.ts';
import { defineInput } from '../src/inputs/define-input.ts';

const TOPICS = ['shoes', 'lamps', 'coffee', 'bicycles', 'tea', 'maps'];

/**
 * `num_docs` short texts "item <n> about <topic>", tagged with the topic; cycles forever. Its
 * kwargs are declared, so `validate` checks them (a typo such as `num_doc` is a config problem).
 */
export const numbered_texts = defineInput(
  { kwargs: { num_docs: { type: 'integer', min: 1, max: 100_000, default: 20 }, prefix: { type: 'string', default: 'item' } } },
  async (kwargs, context) => {
    const count = kwargs.num_docs as number;
    const prefix = kwargs.prefix as string;
    const docs: JinaDocument[] = Array.from({ length: count }, (_, index) => {
      const topic = TOPICS[index % TOPICS.length]!;
      return {
        id: `${prefix}-${context.clientIndex}-${index}`,
        text: `${prefix} ${index} about ${topic}`,
        tags: { filename: `${prefix}-${index}.txt`, topic },
      };
    });
    let next = 0;
    return {
      name: 'numbered_texts',
      size: docs.length,
      take(n) {
        const out: JinaDocument[] = [];
        for (let i = 0; i < n; i++) out.push(docs[next++ % docs.length]!);
        return out;
      },
    };
  },
);
