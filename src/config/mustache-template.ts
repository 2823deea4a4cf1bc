import Mustache from 'mustache';
import { lineIndex } from './source-positions.ts';

/** Values for `{{ VAR }}`: the step's environment plus the hosts of instances.yaml. */
export type TemplateView = Readonly<Record<string, string>>;

export interface UnresolvedVariable {
  name: string;
  /** 1-based line of its first use. */
  line: number;
}

export type TemplateScan =
  | { status: 'text'; unresolved: UnresolvedVariable[] }
  | { status: 'binary' }
  | { status: 'invalid'; message: string };

// Jina's own `${{ ENV.X }}` must reach Jina untouched. Swapping `${{` for a same-length
// marker keeps offsets (and so line numbers) intact while Mustache looks the other way.
const JINA_OPEN = '${{';
const MARKER = '$\u0001\u0001';

function protect(text: string): string {
  return text.replaceAll(JINA_OPEN, MARKER);
}

/** Files with NUL or our marker bytes, or invalid UTF-8, are copied as they are. */
export function decodeTemplateText(bytes: Uint8Array): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /[\u0000\u0001]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

type Token = [type: string, value: string, start: number, end: number, ...rest: unknown[]];

/**
 * The `{{ VAR }}` (and `{{{ VAR }}}`) uses outside sections that have no value in `view`.
 * Sections (`{{#X}}`) are conditionals and may name absent values on purpose.
 */
export function scanTemplate(bytes: Uint8Array, view: TemplateView): TemplateScan {
  const text = decodeTemplateText(bytes);
  if (text === undefined) return { status: 'binary' };
  let tokens: Token[];
  try {
    tokens = Mustache.parse(protect(text)) as Token[];
  } catch (error) {
    return { status: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
  const toPosition = lineIndex(text);
  const unresolved: UnresolvedVariable[] = [];
  for (const [type, name, start] of tokens) {
    if (type !== 'name' && type !== '&') continue;
    if (name === '.' || Object.hasOwn(view, name)) continue;
    if (!unresolved.some((u) => u.name === name)) unresolved.push({ name, line: toPosition(start).line });
  }
  return { status: 'text', unresolved };
}

/** Renders with no HTML escaping (these are YAML and Python files, not web pages). */
export function renderTemplateText(text: string, view: TemplateView): string {
  const rendered = Mustache.render(protect(text), view, {}, { escape: (value: unknown) => String(value) });
  return rendered.replaceAll(MARKER, JINA_OPEN);
}
