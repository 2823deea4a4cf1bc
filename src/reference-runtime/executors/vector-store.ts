import { constants } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tensor } from '../../protocol/document.ts';
import { createTensor } from '../../protocol/tensor.ts';
import { shardOf } from '../partition-documents.ts';
import { ExecutorException } from './simulated-executor.ts';
import { storedFromJson, storedToJson, type StoredDocument } from './stored-document.ts';

// Shard files are never followed through a symbolic link: a link planted in the workspace
// must not make the indexer read or overwrite a file elsewhere (ELOOP instead).
const readNoFollow = constants.O_RDONLY | constants.O_NOFOLLOW;
const writeNoFollow = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

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
    const existing = this.records.get(stored.id);
    // Re-indexing keeps the document's place (rows are searched in insertion order for ties).
    if (existing && existing.row >= 0 && embedding && embedding.length === this.dim) {
      this.matrix.set(embedding, existing.row * this.dim);
      existing.stored = stored;
      return;
    }
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
    // Insertion into a small sorted buffer: k is small, rows are many.
    const keep = Math.min(topK, this.rowIds.length);
    const rows = new Int32Array(keep);
    const scores = new Float64Array(keep).fill(-Infinity);
    const matrix = this.matrix;
    let filled = 0;
    for (let row = 0, offset = 0; row < this.rowIds.length; row++, offset += dim) {
      // Four accumulators: independent adds pipeline better than one long dependency chain.
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let index = 0;
      for (; index + 3 < dim; index += 4) {
        a += matrix[offset + index]! * query[index]!;
        b += matrix[offset + index + 1]! * query[index + 1]!;
        c += matrix[offset + index + 2]! * query[index + 2]!;
        d += matrix[offset + index + 3]! * query[index + 3]!;
      }
      for (; index < dim; index++) a += matrix[offset + index]! * query[index]!;
      const dot = a + b + c + d;
      if (filled === keep && dot <= scores[keep - 1]!) continue;
      let position = filled < keep ? filled++ : keep - 1;
      while (position > 0 && scores[position - 1]! < dot) {
        scores[position] = scores[position - 1]!;
        rows[position] = rows[position - 1]!;
        position--;
      }
      scores[position] = dot;
      rows[position] = row;
    }
    const found: ScoredRecord[] = new Array(filled);
    for (let rank = 0; rank < filled; rank++) {
      found[rank] = { stored: this.records.get(this.rowIds[rows[rank]!]!)!.stored, similarity: scores[rank]! };
    }
    return found;
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
    await writeFile(`${file}.tmp`, lines.length > 0 ? `${lines.join('\n')}\n` : '', { flag: writeNoFollow });
    await rename(`${file}.tmp`, file);
  }

  /**
   * Loads the documents this shard owns from every shard file of the folder, so a query
   * Flow finds the index written by an index Flow even with another shard count or polling.
   */
  async load(directory: string, shardIndex: number, shardCount: number): Promise<void> {
    let names: string[];
    try {
      // Regular files only (readdir's entry types do not follow links).
      names = (await readdir(directory, { withFileTypes: true }))
        .filter((entry) => entry.isFile() && /^shard-\d+\.jsonl$/.test(entry.name))
        .map((entry) => entry.name)
        .sort();
    } catch {
      return;
    }
    for (const name of names) {
      const text = await readFile(join(directory, name), { encoding: 'utf8', flag: readNoFollow });
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
