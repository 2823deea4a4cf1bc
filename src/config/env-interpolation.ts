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
  options: { exportingMethods?: readonly string[] } = {},
): InterpolatedTree {
  const wholeReferences = new Set<string>();
  const exporting = new Set(options.exportingMethods ?? []);

  const visit = (node: unknown, path: YamlPathSegment[], env: Readonly<Record<string, string | undefined>>): unknown => {
    if (Array.isArray(node)) {
      if (exporting.size > 0 && path.length === 3 && path[0] === 'jobs' && path[2] === 'steps') return visitSteps(node, path, env);
      return node.map((item, index) => visit(item, [...path, index], env));
    }
    if (node !== null && typeof node === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) copy[key] = visit(value, [...path, key], env);
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

  /**
   * A job's steps in order: as the seed exported a workspace step's `environment` to the
   * process environment, every later step of the job sees those values in its `${VAR}`
   * (over the process's own; the latest step wins). The runtime exports them too
   * (src/steps/export-environment.ts).
   */
  const visitSteps = (steps: unknown[], path: YamlPathSegment[], base: Readonly<Record<string, string | undefined>>): unknown[] => {
    let scoped = base;
    return steps.map((step, index) => {
      const out = visit(step, [...path, index], scoped);
      const method = isRecord(out) ? out.method : undefined;
      if (typeof method === 'string' && exporting.has(method) && isRecord(out) && isRecord(out.environment)) {
        const exported: Record<string, string> = {};
        for (const [name, value] of Object.entries(out.environment)) {
          if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') exported[name] = String(value);
        }
        scoped = { ...scoped, ...exported };
      }
      return out;
    });
  };

  return { value: visit(tree, [], env), wholeReferences };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
