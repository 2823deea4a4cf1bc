import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parseFlowYaml } from '../../src/config/flow-yaml-document.ts';
import { expandFlowVariables, redactSubstitutions, variableNames, wholeVariable } from '../../src/config/flow-yaml-variables.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';

const python = fileURLToPath(new URL('../../.jina-envs/v2/bin/python', import.meta.url));
const environment = { A: 'alpha', PORT: '23456', FLAG: 'true', RATIO: '0.5', SPACED: 'x y' };

// Strings whose expansion the loader claims is Jina's: every form Jina 3.34 reads from the environment.
const sameAsJina = [
  '${{ ENV.A }}',
  '${{ENV.A}}',
  '${{ env.A }}',
  '$A',
  '${A}',
  'pre-${{ ENV.A }}-post',
  'pre-$A-post',
  '${A}${A}',
  '${{ ENV.A }}/${{ ENV.SPACED }}',
  '${{ ENV.PORT }}',
  '$PORT',
  '${{ ENV.FLAG }}',
  '${{ ENV.RATIO }}',
  '$UNSET_NAME',
  '${UNSET_NAME}',
  'cost: $5',
  'no variables here',
];

/** What Jina's own JAML.expand_dict makes of each string, with exactly `environment` set. */
function expandWithJina(values: string[]): unknown[] {
  const script = [
    'import json, os, sys',
    'from jina.jaml import JAML',
    'data = json.load(sys.stdin)',
    'os.environ.clear(); os.environ.update(data["env"])',
    'print(json.dumps(JAML.expand_dict({"v": data["values"]})["v"]))',
  ].join('\n');
  const run = spawnSync(python, ['-c', script], { input: JSON.stringify({ env: environment, values }), encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`jina failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as unknown[];
}

describe('Flow YAML variables', () => {
  test('expand as Jina 3.34 expands them (checked against jina.jaml.JAML.expand_dict)', (context) => {
    if (!existsSync(python)) return skipOrFail(context, '.jina-envs/v2 is missing: run scripts/setup-jina.sh');
    const ours = expandFlowVariables(sameAsJina, environment).value;
    expect(ours).toEqual(expandWithJina(sameAsJina));
  }, 120_000);

  test('never read the process environment', () => {
    process.env.FLOW_YAML_TEST_ONLY_IN_PROCESS = 'leaked';
    try {
      const unset: string[] = [];
      const { value } = expandFlowVariables(['${{ ENV.FLOW_YAML_TEST_ONLY_IN_PROCESS }}', '$FLOW_YAML_TEST_ONLY_IN_PROCESS'], {}, (_path, name) => unset.push(name));
      expect(value).toEqual([undefined, '$FLOW_YAML_TEST_ONLY_IN_PROCESS']);
      expect(unset).toEqual(['FLOW_YAML_TEST_ONLY_IN_PROCESS']);
    } finally {
      delete process.env.FLOW_YAML_TEST_ONLY_IN_PROCESS;
    }
  });

  test('context variables and internal references are not environment variables', () => {
    const { value, substituted } = expandFlowVariables(['${{ A }}', '${{ CONTEXT.A }}', '${{root.executors[0].name}}'], environment);
    expect(value).toEqual(['${{ A }}', '${{ CONTEXT.A }}', '${{root.executors[0].name}}']);
    expect(substituted.size).toBe(0);
  });

  test('names, whole values and unset variables are reported with their YAML path', () => {
    expect([...variableNames('port: ${{ ENV.JINA_PORT }}\nws: $WS_DIR/${SUB}\n')]).toEqual(['JINA_PORT', 'WS_DIR', 'SUB']);
    expect(wholeVariable(' ${{ ENV.JINA_PORT }} ')).toEqual({ name: 'JINA_PORT', form: 'env' });
    expect(wholeVariable('$JINA_PORT')).toEqual({ name: 'JINA_PORT', form: 'legacy' });
    expect(wholeVariable('port-$JINA_PORT')).toBeUndefined();
    const unset: string[] = [];
    const document = parseFlowYaml('!Flow\nwith: {port: "${{ ENV.NOPE }}"}\nexecutors:\n  - uses: "x-${{ ENV.NOPE2 }}"\n', 'flow.yml');
    const { value } = expandFlowVariables(document, {}, (path, name) => unset.push(`${path}: ${name}`));
    expect(unset).toEqual(['with.port: NOPE', 'executors[0].uses: NOPE2']);
    expect(value).toEqual({ jtype: 'Flow', with: { port: undefined }, executors: [{ uses: 'x-' }] });
  });

  test('filled-in values are redacted from messages, quoted or not, but not inside longer words', () => {
    const substituted = new Map([['SECRET', 's3cr"et-value'], ['PORT', '23456'], ['ONE', '1']]);
    expect(redactSubstitutions('port "s3cr\\"et-value" and s3cr"et-value; 123456 23456 executors[1]', substituted)).toBe(
      'port "${{ ENV.SECRET }}" and ${{ ENV.SECRET }}; 123456 ${{ ENV.PORT }} executors[1]',
    );
  });
});
