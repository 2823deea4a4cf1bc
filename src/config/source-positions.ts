import { EVENT_ID, getScalarValue, SCALAR_STYLE } from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import { formatYamlPath } from './yaml-path.ts';
import type { YamlPathSegment } from './yaml-path.ts';

/** 1-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

interface NodePositions {
  /** Where the node's key is, for mapping values. */
  key?: SourcePosition;
  value: SourcePosition;
}

type Frame =
  | { kind: 'document' }
  | { kind: 'sequence'; path: YamlPathSegment[]; nextIndex: number }
  | {
      kind: 'mapping';
      path: YamlPathSegment[];
      pendingKey?: { name: string; position: SourcePosition };
    }
  // A collection used as a mapping key: nothing inside it has a path of its own.
  | { kind: 'ignored'; owner: Extract<Frame, { kind: 'mapping' }> };

/**
 * Where every node of a YAML document sits, by YAML path (`jobs.a.steps[2].file`). Built from
 * js-yaml 5's offset events because its loaded values carry no positions.
 */
export class SourcePositions {
  private readonly nodes = new Map<string, NodePositions>();

  static fromEvents(text: string, events: readonly Event[]): SourcePositions {
    const index = new SourcePositions();
    index.build(text, events);
    return index;
  }

  /**
   * The position of the node at `path`: its key for `role: 'key'`, else its value. A path
   * that does not exist (a missing key) falls back to its nearest existing ancestor.
   */
  locate(path: readonly PropertyKey[], role: 'key' | 'value' = 'value'): SourcePosition {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = this.nodes.get(formatYamlPath(path.slice(0, depth)));
      if (node) return (role === 'key' && depth === path.length && node.key) || node.value;
    }
    return { line: 1, column: 1 };
  }

  /** The YAML path of the node whose key or value starts at this position, if any. */
  pathAt(position: SourcePosition): string | undefined {
    const isAt = (p: SourcePosition | undefined) => p?.line === position.line && p.column === position.column;
    // A key first: a block mapping's value starts where its first key does.
    for (const [id, node] of this.nodes) if (isAt(node.key)) return id;
    for (const [id, node] of this.nodes) if (isAt(node.value)) return id;
    return undefined;
  }

  private build(text: string, events: readonly Event[]): void {
    const toPosition = lineIndex(text);
    const anchors = new Map<string, string>();
    const stack: Frame[] = [];

    // Each node event either is a mapping key (remembered) or gets a path of its own.
    const place = (): { path: YamlPathSegment[]; key?: SourcePosition } | 'key' | 'ignored' => {
      const top = stack.at(-1);
      if (!top || top.kind === 'document') return { path: [] };
      if (top.kind === 'ignored') return 'ignored';
      if (top.kind === 'sequence') return { path: [...top.path, top.nextIndex++] };
      if (!top.pendingKey) return 'key';
      const { name, position } = top.pendingKey;
      top.pendingKey = undefined;
      return { path: [...top.path, name], key: position };
    };

    for (const event of events) {
      switch (event.type) {
        case EVENT_ID.DOCUMENT:
          stack.push({ kind: 'document' });
          break;
        case EVENT_ID.POP: {
          const popped = stack.pop();
          // A collection key is done: its mapping now expects the value.
          if (popped?.kind === 'ignored' && stack.at(-1) === popped.owner) {
            popped.owner.pendingKey = { name: '?', position: { line: 1, column: 1 } };
          }
          break;
        }
        case EVENT_ID.SCALAR: {
          const offset = scalarOffset(event);
          const where = place();
          if (where === 'ignored') break;
          const top = stack.at(-1);
          if (where === 'key' && top?.kind === 'mapping') {
            top.pendingKey = { name: getScalarValue(text, event), position: toPosition(offset) };
            break;
          }
          if (where !== 'key') this.record(where.path, where.key, toPosition(offset), text, event, anchors);
          break;
        }
        case EVENT_ID.MAPPING:
        case EVENT_ID.SEQUENCE: {
          const where = place();
          const top = stack.at(-1);
          if (where === 'ignored' || where === 'key') {
            const owner = where === 'key' && top?.kind === 'mapping' ? top : (top as Extract<Frame, { kind: 'ignored' }>).owner;
            stack.push({ kind: 'ignored', owner });
            break;
          }
          this.record(where.path, where.key, toPosition(event.start), text, event, anchors);
          stack.push(
            event.type === EVENT_ID.MAPPING
              ? { kind: 'mapping', path: where.path }
              : { kind: 'sequence', path: where.path, nextIndex: 0 },
          );
          break;
        }
        case EVENT_ID.ALIAS: {
          const where = place();
          const top = stack.at(-1);
          if (where === 'key' && top?.kind === 'mapping') {
            top.pendingKey = { name: text.slice(event.anchorStart - 1, event.anchorEnd), position: toPosition(event.anchorStart - 1) };
            break;
          }
          if (where === 'ignored' || where === 'key') break;
          const position = toPosition(event.anchorStart - 1);
          this.nodes.set(formatYamlPath(where.path), { key: where.key, value: position });
          const source = anchors.get(text.slice(event.anchorStart, event.anchorEnd));
          if (source === undefined) break;
          // `<<: *base` (or `<<: [*a, *b]`) merges into the enclosing mapping; keys written there win.
          const mergeAt = where.path.lastIndexOf('<<');
          if (mergeAt >= 0) this.copySubtree(source, formatYamlPath(where.path.slice(0, mergeAt)), false);
          else this.copySubtree(source, formatYamlPath(where.path), true);
          break;
        }
      }
    }
  }

  private record(
    path: YamlPathSegment[],
    key: SourcePosition | undefined,
    value: SourcePosition,
    text: string,
    event: { anchorStart: number; anchorEnd: number },
    anchors: Map<string, string>,
  ): void {
    const id = formatYamlPath(path);
    this.nodes.set(id, { key, value });
    if (event.anchorStart >= 0) anchors.set(text.slice(event.anchorStart, event.anchorEnd), id);
  }

  /** An anchor's nodes (path relative to it), collected once: a config may alias it many times. */
  private readonly subtrees = new Map<string, Array<[string, NodePositions]>>();

  /** An alias's nodes are where its anchor's nodes are: copy them under the alias's path. */
  private copySubtree(fromId: string, toId: string, overwrite: boolean): void {
    let subtree = this.subtrees.get(fromId);
    if (!subtree) {
      subtree = [];
      for (const [id, node] of this.nodes) {
        if (id === fromId) continue;
        const isInside = fromId === '' || id.startsWith(`${fromId}.`) || id.startsWith(`${fromId}[`);
        if (isInside) subtree.push([id.slice(fromId.length), node]);
      }
      this.subtrees.set(fromId, subtree);
    }
    for (const [rest, node] of subtree) {
      const target = toId === '' ? rest.replace(/^\./, '') : `${toId}${rest}`;
      if (overwrite || !this.nodes.has(target)) this.nodes.set(target, node);
    }
  }
}

/** Quoted scalars point at their opening quote, which is where a reader looks. */
function scalarOffset(event: ScalarEvent): number {
  const isQuoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
  return isQuoted ? event.valueStart - 1 : event.valueStart;
}

/** Offset → 1-based line:column, by binary search over line starts. */
export function lineIndex(text: string): (offset: number) => SourcePosition {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] as number) + 1 };
  };
}
