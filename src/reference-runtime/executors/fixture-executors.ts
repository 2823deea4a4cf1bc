import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JinaDocument } from '../../protocol/document.ts';
import { createTensor, tensorValues } from '../../protocol/tensor.ts';
import { ExecutorOptions } from './executor-options.ts';
import { referenceIndexer } from './reference-indexer.ts';
import { DEFAULT_ENDPOINT, ExecutorException, type ExecutorKind } from './simulated-executor.ts';

/**
 * The project's Python fixture executors (fixtures/executors/v2/*.py), re-implemented so the
 * Flow files written for real Jina (fixtures/flows/jina) run on the reference runtime with
 * the same answers: StressEncoder's embeddings are bit-for-bit the Python ones.
 */

/** sha256 in counter mode → uint32 LE words → [-1, 1) → L2-normalised float32 (encoder.py). */
export function fixtureEmbedding(key: Uint8Array, dim: number): Float32Array {
  const blocks = Math.ceil(dim / 8);
  const raw = Buffer.alloc(blocks * 32);
  for (let block = 0; block < blocks; block++) {
    const counter = Buffer.alloc(5);
    counter.writeUInt32LE(block, 1);
    createHash('sha256').update(key).update(counter).digest().copy(raw, block * 32);
  }
  const vector = new Float64Array(dim);
  let norm = 0;
  for (let index = 0; index < dim; index++) {
    vector[index] = raw.readUInt32LE(index * 4) / 2 ** 31 - 1;
    norm += vector[index]! * vector[index]!;
  }
  const scale = 1 / Math.sqrt(norm);
  return Float32Array.from(vector, (value) => value * scale);
}

/** encoder.py's `embedding_key`: text, else the tensor as float32 bytes, else the id. */
export function fixtureEmbeddingKey(doc: JinaDocument): Uint8Array {
  if (doc.text) return Buffer.concat([Buffer.from('text:'), Buffer.from(doc.text, 'utf8')]);
  if (doc.tensor) {
    const values = Float32Array.from(tensorValues(doc.tensor) as ArrayLike<number>, Number);
    return Buffer.concat([Buffer.from('tensor:'), Buffer.from(values.buffer)]);
  }
  return Buffer.from(`id:${doc.id}`, 'utf8');
}

export const stressEncoder = {
  summary: "the Python fixture StressEncoder: sha256 embeddings of `dim` (default 16) on documents without one",
  options: { dim: 'embedding size (default 16; parameters.dim overrides per request)' },
  async create(setup) {
    const dim = new ExecutorOptions(setup).integer('dim', 16, 1);
    return {
      endpoints: [DEFAULT_ENDPOINT],
      process({ docs, parameters }) {
        const size = typeof parameters.dim === 'number' ? parameters.dim : dim;
        for (const doc of docs) {
          if (!doc.embedding) doc.embedding = createTensor(fixtureEmbedding(fixtureEmbeddingKey(doc), size));
        }
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;

export const stressSlow = {
  summary: 'the Python fixture StressSlow: sleeps sleep_ms (default 100; parameters.sleep_ms overrides)',
  options: { sleep_ms: 'time per request in ms' },
  async create(setup) {
    const sleepMs = new ExecutorOptions(setup).number('sleep_ms', 100, { min: 0 });
    return {
      endpoints: [DEFAULT_ENDPOINT],
      async process({ docs, parameters, signal }) {
        const ms = typeof parameters.sleep_ms === 'number' ? parameters.sleep_ms : sleepMs;
        if (ms > 0) await sleep(ms, undefined, { signal });
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;

/**
 * The Python fixture StressFailing: raises StressFailure when parameters.fail is set, when a
 * document has tags.fail === true, or by fail_rate — deterministically the n-th request of a
 * replica fails iff floor((n+1)·rate) > floor(n·rate) (the seeded random mode of the Python
 * executor is not reproduced: its draws come from Python's Mersenne Twister).
 */
export const stressFailing = {
  summary: 'the Python fixture StressFailing: fails every 1/fail_rate-th request, or on parameters.fail / tags.fail',
  options: { fail_rate: 'share of requests that fail (default 0.5)', deterministic: 'must be true here', seed: 'ignored' },
  async create(setup) {
    const options = new ExecutorOptions(setup);
    const failRate = options.number('fail_rate', 0.5, { min: 0, max: 1 });
    if (!options.boolean('deterministic', true)) throw options.invalid('deterministic', false, 'true (random mode is Python-only)');
    const counts = new Map<number, number>();
    return {
      // Named endpoints too, as the Python class binds them (HTTP v2 serves only discovered ones).
      endpoints: ['/index', '/search', DEFAULT_ENDPOINT],
      process({ docs, parameters, replicaIndex }) {
        // Empty requests (readiness probes) neither fail nor count, as in the Python class.
        if (docs.length === 0) return { docs };
        const n = counts.get(replicaIndex) ?? 0;
        counts.set(replicaIndex, n + 1);
        if (parameters.fail) throw new ExecutorException('StressFailure', [`failing executor: request ${n} failed because parameters.fail is set`]);
        if (docs.some((doc) => doc.tags?.fail === true)) {
          throw new ExecutorException('StressFailure', [`failing executor: request ${n} failed because a document has tags.fail`]);
        }
        if (Math.floor((n + 1) * failRate) > Math.floor(n * failRate)) {
          throw new ExecutorException('StressFailure', [`failing executor: request ${n} failed (fail_rate=${failRate})`]);
        }
        return { docs };
      },
    };
  },
} satisfies ExecutorKind;

/**
 * The Python fixture StressIndexer: the reference indexer with the Python class's endpoints
 * (`/index`, `/search`, `/count`, `/dump`: what endpoint discovery and the HTTP v2 gateway
 * list) and its default `top_k` of 3.
 */
export const stressIndexer = {
  summary: 'the Python fixture StressIndexer: cosine top-k (default 3) with the stored tags; /count, /dump',
  options: { top_k: 'matches per query (default 3; parameters.top_k overrides)', persist: 'load on start and save on stop (default true)' },
  async create(setup) {
    const executor = await referenceIndexer.create({ ...setup, usesWith: { top_k: 3, ...setup.usesWith } });
    return { ...executor, endpoints: ['/index', '/search', '/count', '/dump'] };
  },
} satisfies ExecutorKind;
