import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '../../protocol/document';
import { createTensor } from '../../protocol/tensor';
import { shardOf } from '../partition-documents';
import { ExecutorException } from './simulated-executor';
import { storedFromJson, storedToJson, type StoredDocument } from './stored-document';

export interface ScoredRecord {
  stored: StoredDocument;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/**
 * One shard's index: documents by id, and the embeddings of those that have one as rows of
 * a contiguous Float32Array (brute-force cosine over unit vectors is a dot product).
 */
export class VectorStore {
  private readonly records = new Map<string, { stored: StoredDocument; row: number }>();
  private rowIds: string[] = [];
  private matrix = new Float32Array(0);
  private dim: number | undefined;

  get size(): number {
    return this.records.size;
  }

  get(id: string): StoredDocument | undefined {
    return this.records.get(id)?.stored;
  }

  /** A copy of the stored unit embedding, as a `<f4` tensor. */
  embeddingOf(id: string): Tensor | undefined {
    const record = this.records.get(id);
    if (!record || record.row < 0 || this.dim === undefined) return undefined;
    return createTensor(this.matrix.slice(record.row * this.dim, (record.row + 1) * this.dim));
  }

  /** Inserts or replaces; `embedding` must already be unit length. */
  upsert(stored: StoredDocument, embedding: Float32Array | undefined): void {
    this.delete(stored.id);
    let row = -1;
    if (embedding) {
      if (this.dim === undefined) this.dim = embedding.length;
      if (embedding.length !== this.dim) {
        throw new ExecutorException('ValueError', [
          `embedding of document ${stored.id} has ${embedding.length} values, the index holds ${this.dim}`,
        ]);
      }
      row = this.rowIds.length;
      this.ensureCapacity(row + 1);
      this.matrix.set(embedding, row * this.dim);
      this.rowIds.push(stored.id);
    }
    this.records.set(stored.id, { stored, row });
  }

  delete(id: string): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    this.records.delete(id);
    if (record.row >= 0 && this.dim !== undefined) {
      // Swap-remove keeps the rows dense.
      const last = this.rowIds.length - 1;
      const lastId = this.rowIds[last]!;
      if (record.row !== last) {
        this.matrix.copyWithin(record.row * this.dim, last * this.dim, (last + 1) * this.dim);
        this.rowIds[record.row] = lastId;
        this.records.get(lastId)!.row = record.row;
      }
      this.rowIds.pop();
    }
    return true;
  }

  /** The `topK` most similar rows, best first; ties keep insertion order. */
  search(query: Float32Array, topK: number): ScoredRecord[] {
    const dim = this.dim;
    if (dim === undefined || topK <= 0) return [];
    if (query.length !== dim) {
      throw new ExecutorException('ValueError', [
        `shapes (${query.length},) and (${dim},) not aligned: the query embedding does not match the index`,
      ]);
    }
    const best: Array<{ row: number; similarity: number }> = [];
    for (let row = 0; row < this.rowIds.length; row++) {
      let dot = 0;
      const offset = row * dim;
      for (let index = 0; index < dim; index++) dot += this.matrix[offset + index]! * query[index]!;
      if (best.length === topK && dot <= best[best.length - 1]!.similarity) continue;
      let position = best.length;
      while (position > 0 && best[position - 1]!.similarity < dot) position--;
      best.splice(position, 0, { row, similarity: dot });
      if (best.length > topK) best.pop();
    }
    return best.map(({ row, similarity }) => ({ stored: this.records.get(this.rowIds[row]!)!.stored, similarity }));
  }

  /** Writes `shard-<index>.jsonl` atomically (temp file + rename). */
  async save(directory: string, shardIndex: number): Promise<void> {
    await mkdir(directory, { recursive: true });
    const lines: string[] = [];
    for (const { stored, row } of this.records.values()) {
      const embedding = row >= 0 && this.dim !== undefined ? this.matrix.subarray(row * this.dim, (row + 1) * this.dim) : undefined;
      lines.push(storedToJson(stored, embedding));
    }
    const file = join(directory, `shard-${shardIndex}.jsonl`);
    await writeFile(`${file}.tmp`, lines.length > 0 ? `${lines.join('\n')}\n` : '');
    await rename(`${file}.tmp`, file);
  }

  /**
   * Loads the documents this shard owns from every shard file of the folder, so a query
   * Flow finds the index written by an index Flow even with another shard count or polling.
   */
  async load(directory: string, shardIndex: number, shardCount: number): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(directory)).filter((name) => /^shard-\d+\.jsonl$/.test(name)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const text = await readFile(join(directory, name), 'utf8');
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const { stored, embedding } = storedFromJson(line);
        if (shardOf(stored.id, shardCount) === shardIndex) this.upsert(stored, embedding);
      }
    }
  }

  private ensureCapacity(rows: number): void {
    const dim = this.dim ?? 0;
    if (this.matrix.length >= rows * dim) return;
    const grown = new Float32Array(Math.max(rows, this.rowIds.length * 2, 64) * dim);
    grown.set(this.matrix);
    this.matrix = grown;
  }
}
