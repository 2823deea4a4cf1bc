/**
 * At most `limit` requests in flight; `acquire` waits (FIFO) for a free slot. This is the
 * client's `prefetch`: how many requests one client keeps on the stream/socket at once.
 */
export class InFlightLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /** Takes a free slot at once, if there is one (no promise: the common case of a hot path). */
  tryAcquire(): boolean {
    if (this.active >= this.limit || this.waiting.length > 0) return false;
    this.active++;
    return true;
  }

  async acquire(): Promise<void> {
    if (this.tryAcquire()) return;
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot to the next waiter, if any, without letting a newcomer jump the queue. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}
