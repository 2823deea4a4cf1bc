import { describe, expect, it } from 'vitest';
import { isStressError, type StressError } from '../../src/errors.ts';
import { readFlowYaml } from '../../src/reference-runtime/read-flow-yaml.ts';

function problemsOf(yaml: string, environment: Record<string, string> = {}): StressError {
  try {
    readFlowYaml(yaml, { source: '/ws/flows/index.yml', environment, searchDirs: ['/ws/flows', '/ws'] });
  } catch (error) {
    if (isStressError(error, 'FLOW_YAML')) return error;
    throw error;
  }
  throw new Error('expected a FLOW_YAML error');
}

describe('readFlowYaml errors', () => {
  it('lists every problem of a Flow at once, each with its path and what is allowed', () => {
    const error = problemsOf(`
jtype: Flow
with: {protocl: grpc, port: [1, 2]}
executors:
  - name: enc
    uses: ReferenceEncoder
    shards: zero
    uses_with: {dimension: 3}
  - name: idx
    uses: NotAnExecutor
    needs: [enc, ghost]
  - name: kv
    uses: missing.yml
    polling: sometimes
`);
    const problems = error.details?.problems as string[];
    expect(error.message).toContain('/ws/flows/index.yml has');
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^with\.protocl: unknown key \(did you mean "protocol"\?\); allowed: protocol, port/),
        expect.stringMatching(/^with\.port: 2 port\(s\) for 1 protocol\(s\)/),
        expect.stringMatching(/^executors\[0\]\.shards: expected an integer ≥ 1, got "zero"/),
        expect.stringMatching(/^executors\[0\]\.uses_with\.dimension: unknown key; allowed: dim, traversal_paths/),
        expect.stringMatching(/^executors\[1\]\.uses: unknown executor "NotAnExecutor"; known: ReferenceEncoder \(/),
        expect.stringMatching(/^executors\[1\]\.needs: "ghost" is not an executor of this Flow; known: gateway, enc, idx, kv/),
        expect.stringMatching(/^executors\[2\]\.uses: executor file missing\.yml not found; tried \/ws\/flows\/missing\.yml, \/ws\/missing\.yml/),
        expect.stringMatching(/^executors\[2\]\.polling: expected ANY or ALL, got "sometimes"/),
      ]),
    );
    expect(problems).toHaveLength(8);
  });

  it('reports cycles, duplicate names and unset environment variables', () => {
    const problems = problemsOf(`
executors:
  - {name: a, needs: b}
  - {name: b, needs: a}
  - {name: a, needs: gateway, uses: '\${{ ENV.NOPE }}'}
`).details?.problems as string[];
    expect(problems).toEqual([
      "executors[2].uses: ${{ ENV.NOPE }} is not set in the Flow's environment",
      'executors: two executors are named "a"',
      'executors: needs form a cycle: a → b → a',
    ]);
  });

  it('gives line and column for YAML syntax errors', () => {
    const error = problemsOf('executors:\n  - name: a\n   uses: b\n');
    expect(error.message).toMatch(/^\/ws\/flows\/index\.yml:3:\d+: /);
  });

  it('rejects Docker executors and a wrong jtype', () => {
    const problems = problemsOf('jtype: Deployment\nexecutors:\n  - uses: docker://jinahub/encoder\n').details?.problems as string[];
    expect(problems).toEqual([
      'jtype: expected Flow, got "Deployment"',
      expect.stringMatching(/^executors\[0\]\.uses: docker:\/\/jinahub\/encoder: Docker executors cannot run/),
    ]);
  });
});
