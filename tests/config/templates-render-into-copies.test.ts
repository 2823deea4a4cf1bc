import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { MAX_TEMPLATE_BYTES, renderFlowFile, renderWorkspaceFiles } from '../../src/config/template-rendering.ts';
import { isStressError } from '../../src/errors.ts';

const base = mkdtempSync(path.join(os.tmpdir(), 'jina-stress-templates-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function put(name: string, content: string | Uint8Array): string {
  const file = path.join(base, name);
  writeFileSync(file, content);
  return file;
}

const flowText = `jtype: Flow
with:
  port: {{ JINA_GATEWAY_PORT_EXPOSE }}
  host: {{{ ENCODER_HOST }}}
executors:
  - name: encoder
    uses: \${{ ENV.ENCODER_USES }}
    env: {QUERY: "{{ QUERY }}"}
`;

describe('renderWorkspaceFiles', () => {
  const flow = put('flow.yml', flowText);
  const instances = put('instances.yaml', 'instances:\n  ENCODER_HOST: 10.0.0.5\n  JINA_GATEWAY_PORT_EXPOSE: 45678\n');
  const binary = put('model.bin', new Uint8Array([0, 1, 2, 123, 123, 255]));

  test('writes rendered copies: environment plus instances.yaml (which wins), no HTML escaping, Jina expressions untouched', async () => {
    const outDir = path.join(base, 'rendered-1');
    const rendered = await renderWorkspaceFiles(
      { files: [flow, binary], environment: { JINA_GATEWAY_PORT_EXPOSE: '23456', QUERY: `a<b & "c" 'd'` }, instancesFile: instances },
      outDir,
    );
    expect(rendered).toEqual([path.join(outDir, 'flow.yml'), path.join(outDir, 'model.bin')]);
    expect(readFileSync(rendered[0] as string, 'utf8')).toBe(`jtype: Flow
with:
  port: 45678
  host: 10.0.0.5
executors:
  - name: encoder
    uses: \${{ ENV.ENCODER_USES }}
    env: {QUERY: "a<b & "c" 'd'"}
`);
    expect([...readFileSync(rendered[1] as string)]).toEqual([0, 1, 2, 123, 123, 255]);
    expect(readFileSync(flow, 'utf8')).toBe(flowText);
  });

  test('a {{ VAR }} with no value renders empty, as chevron did for the seed', async () => {
    const [rendered] = await renderWorkspaceFiles({ files: [flow], environment: { QUERY: 'q' } }, path.join(base, 'rendered-lenient'));
    const text = readFileSync(rendered as string, 'utf8');
    expect(text.split('\n').slice(2, 4)).toEqual(['  port: ', '  host: ']);
    expect(text).toContain('${{ ENV.ENCODER_USES }}');
  });

  test('with strict templates, a {{ VAR }} with no value fails naming the file, the line and the variable, and writes nothing', async () => {
    const outDir = path.join(base, 'rendered-2');
    const error = await renderWorkspaceFiles({ files: [flow], environment: { QUERY: 'q' }, strict: true }, outDir).catch((e: unknown) => e);
    expect(isStressError(error, 'TEMPLATE')).toBe(true);
    expect((error as Error).message).toBe(
      `cannot render templates:\n  ${flow}:3: {{ JINA_GATEWAY_PORT_EXPOSE }} has no value\n  ${flow}:4: {{ ENCODER_HOST }} has no value`,
    );
    expect(() => readFileSync(path.join(outDir, 'flow.yml'))).toThrow(/ENOENT/);
  });
});

describe('large files', () => {
  test('are data, not templates: copied byte for byte even with {{ }} inside', async () => {
    const content = Buffer.alloc(MAX_TEMPLATE_BYTES + 1, 'a');
    content.write('{{ NOT_A_VARIABLE }}', 0);
    const big = put('big.txt', content);
    const [rendered] = await renderWorkspaceFiles({ files: [big], environment: {} }, path.join(base, 'rendered-big'));
    expect(readFileSync(rendered as string).equals(content)).toBe(true);
  });
});

describe('renderFlowFile', () => {
  test("renders start_flow's file with its environment", async () => {
    const file = put('query.yml', 'port: {{ PORT }}\n');
    const rendered = await renderFlowFile({ file, environment: { PORT: '5555' } }, path.join(base, 'rendered-3'));
    expect(readFileSync(rendered, 'utf8')).toBe('port: 5555\n');
  });
});
