import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { validateConfigText } from '../../src/config/validate-config.ts';

const base = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-paths-'));
const configDir = path.join(base, 'configs');
const cwd = path.join(base, 'work');
afterAll(() => rmSync(base, { recursive: true, force: true }));

function put(file: string, text = 'jtype: Flow\n'): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

function validateFlow(flow: string) {
  const text = `jobs:\n  j:\n    steps:\n      - method: create_workspace\n        files: [${flow}]\n`;
  return validateConfigText(text, { configPath: path.join(configDir, 'stress.yaml'), cwd, env: {} });
}

function uploadedFiles(result: ReturnType<typeof validateFlow>): string[] {
  if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
  const step = result.plan.jobs[0]?.steps[0];
  return step?.kind === 'create_workspace' ? step.params.files : [];
}

describe('relative paths', () => {
  test("the config's folder wins when the file is in both places", () => {
    const inConfigDir = put(path.join(configDir, 'flows/both.yml'));
    put(path.join(cwd, 'flows/both.yml'));
    expect(uploadedFiles(validateFlow('flows/both.yml'))).toEqual([inConfigDir]);
  });

  test('the working directory is tried second', () => {
    const inCwd = put(path.join(cwd, 'flows/cwd-only.yml'));
    expect(uploadedFiles(validateFlow('flows/cwd-only.yml'))).toEqual([inCwd]);
  });

  test('absolute paths are taken as they are', () => {
    const absolute = put(path.join(base, 'elsewhere/abs.yml'));
    expect(uploadedFiles(validateFlow(absolute))).toEqual([absolute]);
  });

  test('a missing file is a problem naming every place tried, in order', () => {
    const result = validateFlow('flows/missing.yml');
    expect(result).toMatchObject({
      status: 'invalid',
      problems: [
        {
          yamlPath: 'jobs.j.steps[0].files[0]',
          line: 5,
          column: 17,
          message: 'no such file "flows/missing.yml"',
          hint: `tried ${path.join(configDir, 'flows/missing.yml')}, flows/missing.yml (relative paths resolve against the config's folder, then the working directory)`,
        },
      ],
    });
  });

  test('instances.yaml is found next to the config without being named', () => {
    put(path.join(configDir, 'templated.yml'), 'host: {{ ENCODER_HOST }}\n');
    put(path.join(configDir, 'instances.yaml'), 'instances:\n  ENCODER_HOST: 10.0.0.9\n');
    const result = validateFlow('templated.yml');
    if (result.status !== 'valid') throw new Error(JSON.stringify(result.problems));
    const step = result.plan.jobs[0]?.steps[0];
    expect(step?.kind === 'create_workspace' && step.params.instancesFile).toBe(path.join(configDir, 'instances.yaml'));
  });
});
