import { describeFound } from './problem.ts';
import type { Problem } from './problem.ts';
import type { SourcePositions } from './source-positions.ts';
import { formatYamlPath } from './yaml-path.ts';

export interface ProblemOptions {
  hint?: string;
  /** The value found; rendered for the message. Omit when the message already names it. */
  found?: unknown;
  /** Point at the key (unknown keys) rather than the value. */
  role?: 'key' | 'value';
}

/** Collects problems of one config file, placing each by its YAML path. */
export class ProblemList {
  readonly problems: Problem[] = [];
  /** Not wrong, but maybe not meant (a template variable that renders empty, as in the seed). */
  readonly warnings: Problem[] = [];
  private readonly suppressed = new Set<string>();

  constructor(
    readonly file: string,
    private readonly positions: SourcePositions,
  ) {}

  add(path: readonly PropertyKey[], message: string, options: ProblemOptions = {}): void {
    if (this.suppressed.has(formatYamlPath(path))) return;
    this.problems.push(this.place(path, message, options));
  }

  warn(path: readonly PropertyKey[], message: string, options: ProblemOptions = {}): void {
    this.warnings.push(this.place(path, message, options));
  }

  private place(path: readonly PropertyKey[], message: string, options: ProblemOptions): Problem {
    const position = this.positions.locate(path, options.role ?? 'value');
    return {
      file: this.file,
      yamlPath: formatYamlPath(path) || '(root)',
      line: position.line,
      column: position.column,
      message,
      ...('found' in options ? { found: isSecret(path) ? '"***"' : describeFound(options.found) } : {}),
      ...(options.hint ? { hint: options.hint } : {}),
    };
  }

  /**
   * Reports at `path` after this one are consequences of it (a value that an unset variable
   * emptied is also the wrong type): one problem is enough.
   */
  suppress(path: readonly PropertyKey[]): void {
    this.suppressed.add(formatYamlPath(path));
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }
}

// Tokens are secrets even when they are wrong; never echo them into CI logs.
function isSecret(path: readonly PropertyKey[]): boolean {
  return path.at(-1) === 'token';
}
