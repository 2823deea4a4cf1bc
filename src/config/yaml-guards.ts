import { EVENT_ID, getScalarValue } from 'js-yaml';
import type { Event } from 'js-yaml';
import { lineIndex } from './source-positions.ts';
import type { SourcePosition } from './source-positions.ts';

/**
 * Limits on what a config's YAML may make the loader build. A config is a few hundred nodes;
 * these are far above any real one and far below what takes a second or a gigabyte.
 */
export const YAML_LIMITS = {
  /** Alias nodes (`*name`) per document (`<<: *defaults` on every step of a big config is ~100). */
  maxAliases: 1000,
  /** Nodes of the document with every alias expanded (a billion-laughs bomb is 10^9). */
  maxExpandedNodes: 50_000,
  /** Collections inside collections (js-yaml's own parser bound, restated for the message). */
  maxDepth: 100,
} as const;

/** Keys that would reach an object's prototype when the data is merged or copied into objects. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface YamlGuardFinding {
  kind: 'aliases' | 'expansion' | 'prototype-key';
  position: SourcePosition;
  message: string;
  hint: string;
  /** The offending key, for prototype keys. */
  key?: string;
}

interface Frame {
  kind: 'mapping' | 'sequence' | 'document';
  /** Nodes in this collection so far, itself included, aliases expanded. */
  size: number;
  anchor?: string;
  /** Mappings alternate key, value: true when the next node is a key. */
  expectsKey: boolean;
}

/**
 * One linear pass over the parser's events, before anything is built from them: counts
 * aliases, sums the size every alias expands to (from each anchor's size, so a bomb is
 * measured without being expanded) and finds prototype keys. Stops at the first alias limit
 * crossed; reports every prototype key.
 */
export function guardYamlEvents(text: string, events: readonly Event[]): YamlGuardFinding[] {
  const toPosition = lineIndex(text);
  const anchorSizes = new Map<string, number>();
  const findings: YamlGuardFinding[] = [];
  const stack: Frame[] = [];
  let aliases = 0;
  let total = 0;

  const anchorOf = (event: { anchorStart: number; anchorEnd: number }) =>
    event.anchorStart >= 0 ? text.slice(event.anchorStart, event.anchorEnd) : undefined;
  /** Adds a finished node of `size` to its parent; returns whether this node was a mapping key. */
  const addNode = (size: number): boolean => {
    total += size;
    const parent = stack.at(-1);
    if (!parent) return false;
    parent.size += size;
    if (parent.kind !== 'mapping') return false;
    const wasKey = parent.expectsKey;
    parent.expectsKey = !parent.expectsKey;
    return wasKey;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        stack.push({ kind: 'document', size: 0, expectsKey: false });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE:
        stack.push({ kind: event.type === EVENT_ID.MAPPING ? 'mapping' : 'sequence', size: 1, anchor: anchorOf(event), expectsKey: true });
        break;
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (!frame || frame.kind === 'document') break;
        if (frame.anchor !== undefined) anchorSizes.set(frame.anchor, frame.size);
        total -= frame.size - 1; // its children were already counted in total
        addNode(frame.size);
        break;
      }
      case EVENT_ID.SCALAR: {
        const anchor = anchorOf(event);
        if (anchor !== undefined) anchorSizes.set(anchor, 1);
        const isKey = addNode(1);
        if (isKey) {
          const key = getScalarValue(text, event);
          if (PROTOTYPE_KEYS.has(key)) {
            findings.push({
              kind: 'prototype-key',
              key,
              position: toPosition(event.valueStart),
              message: `the key "${key}" is not allowed`,
              hint: `"${key}" is a JavaScript prototype key; rename it (job and step names too)`,
            });
          }
        }
        break;
      }
      case EVENT_ID.ALIAS: {
        aliases++;
        const position = toPosition(event.anchorStart - 1);
        if (aliases > YAML_LIMITS.maxAliases) {
          return [
            {
              kind: 'aliases',
              position,
              message: `more than ${YAML_LIMITS.maxAliases} aliases (*name) in one config`,
              hint: 'a config needs a few aliases at most; write repeated parts out or use fewer anchors',
            },
          ];
        }
        const size = anchorSizes.get(text.slice(event.anchorStart, event.anchorEnd)) ?? 1;
        addNode(size);
        // total counts expanded nodes; frames hold running sizes the next alias may copy.
        if (total > YAML_LIMITS.maxExpandedNodes || size > YAML_LIMITS.maxExpandedNodes) {
          return [
            {
              kind: 'expansion',
              position,
              message: `aliases expand this config to more than ${YAML_LIMITS.maxExpandedNodes.toLocaleString('en-US')} values`,
              hint: 'an alias copies its anchor; aliases of aliases multiply (a "billion laughs" YAML bomb). Use fewer nested aliases',
            },
          ];
        }
        break;
      }
    }
  }
  return findings;
}
