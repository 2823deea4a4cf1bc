import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { referenceFlow } from './support/flow-paths.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from './support/stress-project.ts';

// Issue 12: as the seed exported a workspace step's `environment` to the process environment,
// later steps of the job read those values — in their `${VAR}` (the config) and in the process
// environment (a user's input, in a load worker thread). The next job sees neither, and the
// exported token never reaches the output.

const token = `tok-${process.pid}-exported-secret`;
let project: StressProject;
let run: StressRun;

beforeAll(async () => {
  const flow = referenceFlow('index-grpc.yml');
  project = await createStressProject(`
jobs:
  exporting:
    steps:
      - method: create_workspace
        files: [${flow}]
        environment: { PREFIX: exported, DEMO_API_TOKEN: ${token} }
      - method: start_flow
        file: ${flow}
      - method: index
        execution_time: 1
        num_clients: 2
        workers: 2
        inputs: { method: env_texts, kwargs: { prefix: "\${PREFIX}-run" } }
      - method: terminate_flow
      - method: delete_workspace
  next:
    steps:
      - method: create_workspace
        files: [${flow}]
      - method: start_flow
        file: ${flow}
      - method: index
        execution_time: 1
        inputs: { method: env_texts, kwargs: { prefix: "\${PREFIX:-unset}" } }
      - method: terminate_flow
      - method: delete_workspace
`);
  await mkdir(join(project.dir, 'helpers'));
  // What the input saw, written where the test reads it (the load runs in worker threads).
  await writeFile(
    join(project.dir, 'helpers/inputs.ts'),
    `import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
export const env_texts = async (kwargs: Record<string, unknown>, context: { clientIndex: number }) => {
  appendFileSync(${JSON.stringify(join(project.dir, 'seen.jsonl'))}, JSON.stringify({ prefix: kwargs.prefix, env: process.env.PREFIX ?? null, token: process.env.DEMO_API_TOKEN === ${JSON.stringify(token)}, thread: !isMainThread }) + '\\n');
  const docs = [0, 1, 2].map((i) => ({ id: \`\${context.clientIndex}-\${i}\`, text: \`\${String(kwargs.prefix)} \${i}\` }));
  let next = 0;
  return { name: 'env_texts', size: docs.length, take: (n: number) => Array.from({ length: n }, () => docs[next++ % docs.length]!) };
};
`,
  );
  run = await project.run();
}, 150_000);

afterAll(() => project?.remove());

test('validate resolves ${PREFIX} of a later step from the workspace step\'s environment', async () => {
  let err = '';
  const code = await validateCommand(['stress.yaml'], { cwd: project.dir, env: {}, out: () => undefined, err: (text) => (err += `${text}\n`) });
  expect(code, err).toBe(0);
});

test('the later step\'s config and its input in a worker thread see the values; the next job sees none', async () => {
  expect(run.exitCode, run.output).toBe(0);
  expect(Object.values(statesOf(run))).toEqual(Array(10).fill('passed'));
  const seen = (await readFile(join(project.dir, 'seen.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  const exporting = seen.filter((entry) => entry.prefix === 'exported-run');
  expect(exporting).toEqual([
    { prefix: 'exported-run', env: 'exported', token: true, thread: true },
    { prefix: 'exported-run', env: 'exported', token: true, thread: true },
  ]);
  expect(seen.filter((entry) => entry !== exporting[0] && entry !== exporting[1])).toEqual([{ prefix: 'unset', env: null, token: false, thread: false }]);
  expect(run.output).toContain('exported for later steps: PREFIX, DEMO_API_TOKEN');
  expect(run.output).not.toContain(token);
});
