import { describe, expect, test } from 'vitest';
import type { Plan } from '../../src/config/plan.ts';
import { validateConfigText } from '../../src/config/validate-config.ts';
import type { Env } from '../../src/config/validate-config.ts';

const gatewayJob = (step: string) => `jobs:
  j:
    gateway: {host: localhost, port: 23456}
    steps:
      - method: index
        inputs: {method: random_texts}
${step}`;

function validate(text: string, env: Env) {
  return validateConfigText(text, { configPath: '/virtual/config.yaml', cwd: '/virtual', env });
}

function firstStepParams(plan: Plan): Record<string, unknown> {
  return plan.jobs[0]?.steps[0]?.params as unknown as Record<string, unknown>;
}

describe('${ENV} in the config', () => {
  test('a whole reference is coerced where the schema wants a number or boolean', () => {
    const result = validate(gatewayJob('        num_clients: ${CLIENTS}\n        abort_on_fail: ${ABORT}\n'), { CLIENTS: '7', ABORT: 'true' });
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    expect(firstStepParams(result.plan)).toMatchObject({ numClients: 7, abortOnFail: true });
  });

  test('values stay strings where the schema wants a string, even when they look like numbers', () => {
    const text = `jobs:
  j:
    steps:
      - method: upload_to_s3
        directory: out
        bucket: \${BUCKET}
        prefix: run-\${RUN}
`;
    const result = validate(text, { BUCKET: '12345', RUN: '42' });
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    expect(firstStepParams(result.plan)).toMatchObject({ bucket: '12345', prefix: 'run-42' });
  });

  test('defaults apply when unset or empty (as in a shell); $${X} is a literal', () => {
    const text = `jobs:
  j:
    steps:
      - method: notify_slack
        title: "\${A:-alpha} \${B:-beta} \${C} $\${D}"
`;
    const result = validate(text, { B: '', C: '' });
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    expect(firstStepParams(result.plan).title).toBe('alpha beta  ${D}');
  });

  test("Jina's own ${{ ENV.X }} is not a reference", () => {
    const result = validate(gatewayJob('        parameters: {uses: "${{ ENV.X }}"}\n'), {});
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    expect(firstStepParams(result.plan).parameters).toEqual({ uses: '${{ ENV.X }}' });
  });

  test('text around a reference keeps the value a string, so a number field rejects it', () => {
    const result = validate(gatewayJob('        num_clients: "${CLIENTS}0"\n'), { CLIENTS: '7' });
    expect(result).toMatchObject({ status: 'invalid', problems: [{ yamlPath: 'jobs.j.steps[0].num_clients', message: 'expected a positive integer', found: '"70"', line: 7, column: 22 }] });
  });

  test('an unset variable without default is one problem at its scalar', () => {
    const result = validate(gatewayJob('        request_size: ${SIZE}\n'), {});
    expect(result).toEqual({
      status: 'invalid',
      problems: [
        {
          file: '/virtual/config.yaml',
          yamlPath: 'jobs.j.steps[0].request_size',
          line: 7,
          column: 23,
          message: 'environment variable SIZE is not set and has no default',
          hint: 'set SIZE, or give a default: ${SIZE:-value}',
        },
      ],
      warnings: [],
    });
  });

  test('JINA_GATEWAY_HOST / JINA_GATEWAY_PORT give jobs without a gateway one (the seed variables)', () => {
    const text = 'jobs:\n  j:\n    steps:\n      - method: query\n        inputs: {method: random_texts}\n';
    expect(validate(text, {}).status).toBe('invalid');
    const result = validate(text, { JINA_GATEWAY_HOST: '10.1.2.3' });
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    expect(result.plan.jobs[0]?.gateway).toEqual({ host: '10.1.2.3', port: 23_456 });
    expect(firstStepParams(result.plan).gateway).toEqual({ host: '10.1.2.3', port: 23_456, protocol: 'grpc' });
  });
});
