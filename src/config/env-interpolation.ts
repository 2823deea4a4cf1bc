import type { ProblemList } from './problem-list.ts';
import { formatYamlPath } from './yaml-path.ts';
import type { YamlPathSegment } from './yaml-path.ts';

export interface InterpolatedTree {
  value: unknown;
  /**
   * Paths (formatted) of scalars that were exactly one `${VAR}`: only these may be coerced to
   * a number or boolean where the schema wants one; text around a reference keeps it a string.
   */
  wholeReferences: Set<string>;
}

// `$${X}` is an escaped literal `${X}`; `${{ ... }}` (Jina's own expressions) never matches
// because a name cannot start with `{`.
const REFERENCE = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value of the tree (not in keys).
 * As in a shell, the default applies when the variable is unset or empty. A variable that is
 * unset with no default is a problem at the scalar's position.
 */
export function interpolateEnv(
  tree: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ProblemList,
): InterpolatedTree {
  const wholeReferences = new Set<string>();

  const visit = (node: unknown, path: YamlPathSegment[]): unknown => {
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (node !== null && typeof node === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) copy[key] = visit(value, [...path, key]);
      return copy;
    }
    if (typeof node !== 'string' || !node.includes('${')) return node;
    if (WHOLE_REFERENCE.test(node)) wholeReferences.add(formatYamlPath(path));
    return node.replace(REFERENCE, (match, escape: string, name: string, fallback: string | undefined) => {
      if (escape) return match.slice(1);
      const value = env[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      if (value === '') return value;
      problems.add(path, `environment variable ${name} is not set and has no default`, {
        hint: `set ${name}, or give a default: \${${name}:-value}`,
      });
      problems.suppress(path);
      return '';
    });
  };

  return { value: visit(tree, []), wholeReferences };
}
