import { constructFromEvents, CORE_SCHEMA, mergeTag, parseEvents, YAMLException } from 'js-yaml';
import type { Problem } from './problem.ts';
import { SourcePositions } from './source-positions.ts';
import { guardYamlEvents, YAML_LIMITS } from './yaml-guards.ts';

export type YamlDocument =
  | { status: 'parsed'; value: unknown; positions: SourcePositions }
  | { status: 'invalid'; problem: Problem; problems: Problem[] };

// Merge keys (`<<: *defaults`) are common in stress configs; js-yaml 5 needs them enabled.
const schema = CORE_SCHEMA.withTags(mergeTag);

/** Hints for js-yaml's syntax errors that have a usual cause. */
const syntaxHints: Array<[RegExp, string]> = [
  [/tab characters/, 'indent with spaces; YAML does not allow tabs for indentation'],
  [/duplicated mapping key|duplicate key/, 'each key may appear once per mapping; remove or rename one of them'],
  [/bad indentation|deficient indentation/, 'check the indentation (keys of one mapping share a column) and that every [ and { above is closed'],
  [/unexpected end of the stream|missed comma|flow collection/, 'close every [ and { you open; inside them, separate entries with commas and quote values with ${VAR}, { or }'],
  [/end of the stream or a document separator/, 'a config is one YAML document; remove the extra ---'],
  [/levels deep/, `a config nests a few levels deep; more than ${YAML_LIMITS.maxDepth} levels of [ and { is refused`],
  [/empty/, 'start the file with `jobs:` and at least one job with steps'],
];

/** One config's text as plain data plus where each node is. Syntax errors carry line:column. */
export function parseYamlDocument(text: string, file: string): YamlDocument {
  let events: ReturnType<typeof parseEvents> | undefined;
  try {
    events = parseEvents(text, { filename: file, maxDepth: YAML_LIMITS.maxDepth });
    // Before anything is built from the events: alias bombs would take minutes and gigabytes
    // (building positions copies each alias's subtree), prototype keys would vanish silently.
    const findings = guardYamlEvents(text, events);
    if (findings.length > 0) {
      const positions = findings.some((finding) => finding.kind === 'prototype-key') ? SourcePositions.fromEvents(text, events) : undefined;
      const problems = findings.map((finding): Problem => {
        const { line, column } = finding.position;
        return { file, yamlPath: positions?.pathAt(finding.position) ?? '(yaml)', line, column, message: finding.message, hint: finding.hint };
      });
      return { status: 'invalid', problem: problems[0] as Problem, problems };
    }
    const documents = constructFromEvents(events, { source: text, filename: file, schema, maxAliases: YAML_LIMITS.maxAliases });
    if (documents.length === 0) return invalid(file, 'the config is empty', 1, 1);
    if (documents.length > 1) {
      return invalid(file, 'expected one YAML document, found several', 1, 1);
    }
    return { status: 'parsed', value: documents[0], positions: SourcePositions.fromEvents(text, events) };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = (error.mark?.line ?? 0) + 1;
    const column = (error.mark?.column ?? 0) + 1;
    // Errors found while building values (duplicate keys) come after a clean parse, so the
    // node at the error's position can name its path.
    const yamlPath = events && SourcePositions.fromEvents(text, events).pathAt({ line, column });
    const key = yamlPath?.split(/[.[]/).at(-1)?.replace(/[\]"]/g, '');
    const message =
      /duplicated mapping key/.test(error.reason) && key
        ? `duplicate key "${key}"`
        : /maxDepth/.test(error.reason)
          ? `lists and mappings nested more than ${YAML_LIMITS.maxDepth} levels deep`
          : `YAML syntax error: ${error.reason}`;
    return invalid(file, message, line, column, yamlPath);
  }
}

function invalid(file: string, message: string, line: number, column: number, yamlPath = '(yaml)'): YamlDocument {
  const hint = syntaxHints.find(([pattern]) => pattern.test(message))?.[1];
  const problem: Problem = { file, yamlPath, line, column, message, hint };
  return { status: 'invalid', problem, problems: [problem] };
}
