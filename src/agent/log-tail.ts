import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

// Jina colours its logs; escape codes only garble an error message.
const ansiEscape = /\u001b\[[0-9;]*[A-Za-z]/g;
// Jina (rich) starts a record with its level, `ERROR` or `CRIT…` (critical, cut to 5 columns),
// and wraps it onto indented lines; the time stamp sits at the right of the first line.
const errorRecordStart = /^(ERROR|CRIT\S*)\s/;
const continuation = /^\s{4,}\S/;
const timeStamp = /\s+\[\d{2}\/\d{2}\/\d{2} [\d:]+\]\s*$/;
const linesPerError = 4;
const errorsKept = 3;

/**
 * The last `capacity` lines written to the streams it follows, oldest first; and the first few
 * error records, which a Flow that fails to start logs long before its final traceback (the
 * cause is often out of the tail by then).
 */
export class LogTail {
  private readonly lines: string[] = [];
  private readonly capacity: number;
  private readonly errors: string[][] = [];
  private openError: string[] | undefined;
  private readonly listeners: Array<(line: string) => void> = [];

  constructor(capacity = 50) {
    this.capacity = capacity;
  }

  follow(stream: Readable, prefix = ''): void {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => this.push(prefix + line));
  }

  /** Called with every line pushed (colours removed), e.g. to learn which pid is which executor. */
  onLine(listener: (line: string) => void): void {
    this.listeners.push(listener);
  }

  push(line: string): void {
    const plain = line.replace(ansiEscape, '');
    for (const listener of this.listeners) listener(plain);
    this.lines.push(plain);
    if (this.lines.length > this.capacity) this.lines.shift();
    this.noteError(plain);
  }

  snapshot(): string[] {
    return [...this.lines];
  }

  /** The first error records, each joined into one line (Jina wraps them at 80 columns). */
  firstErrors(): string[] {
    return this.errors.map((record) => record.map((part) => part.replace(timeStamp, '').trim()).join(' '));
  }

  private noteError(line: string): void {
    if (errorRecordStart.test(line) && this.errors.length < errorsKept) {
      this.openError = [line];
      this.errors.push(this.openError);
    } else if (this.openError && continuation.test(line) && this.openError.length < linesPerError) {
      this.openError.push(line);
    } else {
      this.openError = undefined;
    }
  }
}
