import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

// The config side imports every step file (src/steps/step-table.ts): the step's keys live
// there. Validating must still not load the runtime the steps run with (S3 SDK, gRPC, HDR
// histograms, the agent's HTTP server, the image and XML decoders of the inputs, whose kwargs
// schemas it reads): `npx jina-stress validate` and the plugin's global
// setup stay light. Checked in a fresh Node process by which CommonJS packages it loaded.

const repoRoot = resolve(import.meta.dirname, '../..');
const HEAVY = ['@aws-sdk/client-s3', '@grpc/grpc-js', 'hdr-histogram-js', 'fastify', 'axios', 'ws', 'pngjs', 'jpeg-js', 'saxes'];

async function packagesLoadedBy(modules: string[]): Promise<string[]> {
  const script = [
    "import { createRequire } from 'node:module';",
    ...modules.map((module, index) => `const m${index} = await import(${JSON.stringify(resolve(repoRoot, module))});`),
    "if (typeof m0.loadPlan === 'function') m0.loadPlan('configs/local.yaml');",
    "if (typeof m1?.configJsonSchema === 'function') m1.configJsonSchema();",
    'const files = Object.keys(createRequire(import.meta.url).cache);',
    "process.stdout.write(JSON.stringify(files.filter((file) => file.includes('/node_modules/'))));",
  ].join('\n');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot });
  const files = JSON.parse(stdout) as string[];
  return HEAVY.filter((name) => files.some((file) => file.includes(`/node_modules/${name}/`)));
}

test('loading and validating a config (and its JSON Schema) loads none of the runtime packages', async () => {
  expect(await packagesLoadedBy(['src/config/load-plan.ts', 'src/config/config-json-schema.ts'])).toEqual([]);
}, 60_000);

test('the probe sees them when they are loaded (the S3 sink and the gRPC client)', async () => {
  expect(await packagesLoadedBy(['src/sinks/s3-upload.ts', 'src/gateway/grpc-client.ts'])).toEqual(
    expect.arrayContaining(['@aws-sdk/client-s3', '@grpc/grpc-js']),
  );
}, 60_000);
