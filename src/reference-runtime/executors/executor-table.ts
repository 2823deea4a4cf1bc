import { StressError } from '../../errors.ts';
import { faultExecutor } from './fault-executor.ts';
import { stressEncoder, stressFailing, stressIndexer, stressSlow } from './fixture-executors.ts';
import { keyValueIndexer } from './key-value-indexer.ts';
import { matchRanker } from './match-ranker.ts';
import { passThrough } from './pass-through.ts';
import { referenceEncoder } from './reference-encoder.ts';
import { referenceIndexer } from './reference-indexer.ts';
import type { ExecutorKind } from './simulated-executor.ts';

/**
 * `uses` class name → simulated executor. The first block is this project's vocabulary;
 * the second maps the executors the seed's Flows (and common hub executors) name, the third
 * the project's Python fixture executors (fixtures/executors), so those Flow files run
 * unchanged without Python.
 */
export const executorTable = {
  ReferenceEncoder: referenceEncoder,
  ReferenceIndexer: referenceIndexer,
  KeyValueIndexer: keyValueIndexer,
  MatchRanker: matchRanker,
  FaultExecutor: faultExecutor,
  PassThrough: passThrough,

  ImageTorchEncoder: referenceEncoder,
  TransformerTorchEncoder: referenceEncoder,
  CLIPEncoder: referenceEncoder,
  NumpyIndexer: referenceIndexer,
  SimpleIndexer: referenceIndexer,
  AnnoyIndexer: referenceIndexer,
  FaissIndexer: referenceIndexer,
  BinaryPbIndexer: keyValueIndexer,
  RedisDBIndexer: keyValueIndexer,
  MatchMerger: matchRanker,
  MinRanker: matchRanker,
  _merge_matches: matchRanker,
  _merge: passThrough,
  _merge_chunks: passThrough,
  _pass: passThrough,
  BaseExecutor: passThrough,

  StressEncoder: stressEncoder,
  StressIndexer: stressIndexer,
  StressSlow: stressSlow,
  StressFailing: stressFailing,
} satisfies Record<string, ExecutorKind>;

export type ExecutorClassName = keyof typeof executorTable;

/** Hub references (`jinahub://Name/tag`, `jinaai://org/Name:tag`) → the class name. */
export function executorClassName(uses: string): string {
  const hub = /^(jinahub|jinaai)(\+\w+)?:\/\/(.+)$/.exec(uses);
  if (!hub) return uses;
  const segments = hub[3]!.split('/');
  const name = hub[1] === 'jinaai' ? segments[segments.length - 1]! : segments[0]!;
  return name.split(':')[0]!;
}

export function isKnownExecutor(className: string): className is ExecutorClassName {
  return Object.hasOwn(executorTable, className);
}

export function findExecutorKind(className: string): ExecutorKind {
  if (isKnownExecutor(className)) return executorTable[className];
  throw unknownExecutorError(className);
}

export function unknownExecutorError(className: string): StressError {
  return new StressError('FLOW_YAML', `unknown executor "${className}"; ${describeExecutors()}`, {
    hint: 'The reference runtime simulates executors by class name; pick one of the list, or run the Flow with the `process` runtime (real Jina).',
  });
}

/** One line per known class for error messages. */
export function describeExecutors(): string {
  const lines = Object.entries(executorTable).map(([name, kind]) => `${name} (${kind.summary})`);
  return `known: ${lines.join('; ')}`;
}
