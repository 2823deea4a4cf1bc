import { hashString } from '../seeded-random.ts';
import type { JinaDocument } from '../protocol/document.ts';

/** The shard that owns a document id: stable across runs and across Flows of a workspace. */
export function shardOf(id: string, shardCount: number): number {
  return shardCount <= 1 ? 0 : hashString(id) % shardCount;
}

/** Splits documents by owning shard, keeping their order within each part. */
export function partitionDocuments(docs: readonly JinaDocument[], shardCount: number): JinaDocument[][] {
  const parts: JinaDocument[][] = Array.from({ length: shardCount }, () => []);
  for (const doc of docs) parts[shardOf(doc.id, shardCount)]!.push(doc);
  return parts;
}
