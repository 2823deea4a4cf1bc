import { createRequire } from 'node:module';
import type { KwargSpecs } from '../kwargs/kwarg-spec.ts';

/** What the source says of an export's kwargs: a literal declaration, one that is not a literal, or none. */
export type KwargsDeclaration = { status: 'declared'; specs: KwargSpecs } | { status: 'not-literal'; reason: string };

// The few acorn node shapes read here.
interface Node {
  type: string;
  [key: string]: unknown;
}

/**
 * The kwargs declarations of `defineInput({kwargs: {...}}, …)` / `defineCheck({kwargs: {...}}, …)`
 * in a helper module's JavaScript (esbuild's output of the TypeScript), by the name of the
 * top-level `const` they are assigned to — read from the syntax tree, nothing run. Only
 * literals can be read (strings, numbers, booleans, null, arrays, objects, `-1`): a
 * declaration built from variables or calls is `not-literal`, and checked when the step runs.
 */
export function helperKwargsDeclarations(javascript: string): Map<string, KwargsDeclaration> {
  const declarations = new Map<string, KwargsDeclaration>();
  // Required on use: only a config with a helper module reads one (acorn stays off a run's start-up).
  const { parse } = createRequire(import.meta.url)('acorn') as typeof import('acorn');
  const program = parse(javascript, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as { body: Node[] };
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as Node | null) : statement;
    if (declaration?.type !== 'VariableDeclaration') continue;
    for (const declarator of declaration.declarations as Node[]) {
      const id = declarator.id as Node;
      const init = declarator.init as Node | null;
      if (id.type !== 'Identifier' || init?.type !== 'CallExpression' || !isDefineCall(init.callee as Node)) continue;
      const [options] = init.arguments as Node[];
      if (!options || options.type !== 'ObjectExpression' || (init.arguments as Node[]).length < 2) continue;
      const kwargs = (options.properties as Node[]).find((property) => property.type === 'Property' && keyName(property) === 'kwargs');
      if (!kwargs) continue;
      try {
        declarations.set(id.name as string, { status: 'declared', specs: literal(kwargs.value as Node) as KwargSpecs });
      } catch (error) {
        declarations.set(id.name as string, { status: 'not-literal', reason: (error as Error).message });
      }
    }
  }
  return declarations;
}

function isDefineCall(callee: Node): boolean {
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? (callee.property as Node).name : undefined;
  return name === 'defineInput' || name === 'defineCheck';
}

function keyName(property: Node): string | undefined {
  if (property.computed) return undefined;
  const key = property.key as Node;
  return key.type === 'Identifier' ? (key.name as string) : key.type === 'Literal' ? String(key.value) : undefined;
}

function literal(node: Node): unknown {
  switch (node.type) {
    case 'Literal':
      if (node.regex !== undefined || typeof node.value === 'bigint') break;
      return node.value;
    case 'UnaryExpression':
      if (node.operator === '-' && (node.argument as Node).type === 'Literal' && typeof (node.argument as Node).value === 'number') return -((node.argument as Node).value as number);
      break;
    case 'ArrayExpression':
      return (node.elements as Array<Node | null>).map((element) => {
        if (!element || element.type === 'SpreadElement') throw new Error('an array with holes or spreads');
        return literal(element);
      });
    case 'ObjectExpression': {
      const out: Record<string, unknown> = {};
      for (const property of node.properties as Node[]) {
        const key = property.type === 'Property' && property.kind === 'init' ? keyName(property) : undefined;
        if (key === undefined) throw new Error('an object with computed keys, spreads or methods');
        out[key] = literal(property.value as Node);
      }
      return out;
    }
  }
  throw new Error(`${node.type} is not a literal (line ${(node.loc as { start?: { line: number } } | undefined)?.start?.line ?? '?'})`);
}
