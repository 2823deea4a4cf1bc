import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

// Jina colours its logs; escape codes only garble an error message.
const ansiEscape = /\u001b\[[0-9;]*[A-Za-z]/g;

/** The last `capacity` lines written to the streams it follows, oldest first. */
export class LogTail {
  private readonly lines: string[] = [];
  private readonly capacity: number;

  constructor(capacity = 50) {
    this.capacity = capacity;
  }

  follow(stream: Readable, prefix = ''): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.push(prefix + line));
  }

  push(line: string): void {
    this.lines.push(line.replace(ansiEscape, ''));
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  snapshot(): string[] {
    return [...this.lines];
  }
}
