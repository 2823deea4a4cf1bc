import { describe, expect, test } from 'vitest';
import { parseYamlDocument } from '../../src/config/yaml-document.ts';

const text = `x-base: &base
  client: grpc
  num_clients: 3
jobs:
  first:
    steps:
      - method: index
        <<: *base
        request_size: 10
      - {method: "query", top_k: 'five'}
  "odd.name":
    steps: *steps_missing_is_fine
`;

describe('SourcePositions', () => {
  test('locates block, flow and quoted nodes by YAML path, 1-based', () => {
    const document = parseYamlDocument(text.replace('*steps_missing_is_fine', '[]'), 'c.yaml');
    if (document.status !== 'parsed') throw new Error(document.problem.message);
    const at = (path: PropertyKey[], role?: 'key' | 'value') => document.positions.locate(path, role);
    expect(at(['jobs', 'first', 'steps', 0, 'request_size'])).toEqual({ line: 9, column: 23 });
    expect(at(['jobs', 'first', 'steps', 0, 'request_size'], 'key')).toEqual({ line: 9, column: 9 });
    expect(at(['jobs', 'first', 'steps', 1, 'method'])).toEqual({ line: 10, column: 18 });
    expect(at(['jobs', 'first', 'steps', 1, 'top_k'])).toEqual({ line: 10, column: 34 });
    expect(at(['jobs', 'odd.name', 'steps'])).toEqual({ line: 12, column: 12 });
  });

  test('keys merged from an anchor point at where the anchor defined them', () => {
    const document = parseYamlDocument(text.replace('*steps_missing_is_fine', '[]'), 'c.yaml');
    if (document.status !== 'parsed') throw new Error(document.problem.message);
    const steps = (document.value as { jobs: { first: { steps: unknown[] } } }).jobs.first.steps;
    expect(steps[0]).toEqual({ method: 'index', client: 'grpc', num_clients: 3, request_size: 10 });
    expect(document.positions.locate(['jobs', 'first', 'steps', 0, 'num_clients'])).toEqual({ line: 3, column: 16 });
  });

  test('a missing key falls back to its nearest existing parent', () => {
    const document = parseYamlDocument(text.replace('*steps_missing_is_fine', '[]'), 'c.yaml');
    if (document.status !== 'parsed') throw new Error(document.problem.message);
    expect(document.positions.locate(['jobs', 'first', 'steps', 1, 'inputs', 'method'])).toEqual({ line: 10, column: 9 });
  });

  test('YAML errors carry their line:column; an undefined alias is one of them', () => {
    const document = parseYamlDocument(text, 'c.yaml');
    // js-yaml marks the alias just after its `*`.
    expect(document).toMatchObject({ status: 'invalid', problem: { file: 'c.yaml', yamlPath: '(yaml)', line: 12, column: 13 } });
    if (document.status === 'invalid') expect(document.problem.message).toMatch(/^YAML syntax error: .*steps_missing_is_fine/);
  });
});
