/**
 * One replica of a shard: a concurrency slot that serves one request at a time, in arrival
 * order, as a Jina worker runs a synchronous endpoint. With two replicas a slow executor
 * serves two requests at once; with one, requests queue.
 */
export class ReplicaSlot {
  isAlive = true;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly index: number) {}

  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Jina's connection pool picks replicas round robin, whatever their load; a replica that
 * stopped answering is skipped (the pool retries on the next one).
 */
export class RoundRobin {
  private next = 0;

  constructor(readonly slots: readonly ReplicaSlot[]) {}

  pick(): ReplicaSlot | undefined {
    for (let attempt = 0; attempt < this.slots.length; attempt++) {
      const slot = this.slots[this.next % this.slots.length]!;
      this.next++;
      if (slot.isAlive) return slot;
    }
    return undefined;
  }

  get hasAlive(): boolean {
    return this.slots.some((slot) => slot.isAlive);
  }
}
