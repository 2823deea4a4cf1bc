/**
 * One queue per key: `run(key, task)` starts `task` once every earlier task of the same key
 * has settled. The agent keys it by workspace id, so a create, an upload, a Flow start and a
 * delete of one workspace never interleave (a delete racing a create used to leave a folder
 * the API did not list, or a Flow in a deleted workspace).
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => {});
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      // The last task of a key removes the entry, so the map holds only keys in use.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
