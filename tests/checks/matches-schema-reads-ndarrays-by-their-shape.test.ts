import { expect, test } from 'vitest';
import { createCheck } from '../../src/checks/create-check.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { documentFromJson } from '../../src/protocol/document-json.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';

// docarray publishes an NdArray[2, 2] field as a flat list of numbers, while its values nest
// by shape (numpy's tolist over HTTP, the decoded protobuf). matches_schema reads the declared
// shape: nested values of that shape hold, another shape or a non-number is a violation.
// (Seen on real Jina in tests/inputs/schema-documents-fit-a-real-typed-executor.test.ts.)

const output: JsonObject = {
  title: 'Receipt',
  type: 'object',
  properties: {
    grid: { type: 'array', items: { type: 'number' }, 'tensor/array shape': '[2, 2]', example: '[[0.0,0.0],[0.0,0.0]]' },
    free: { anyOf: [{ type: 'array', items: { type: 'number' }, 'tensor/array shape': 'not specified' }, { type: 'null' }] },
  },
};

async function violations(docs: JsonObject[]): Promise<string[]> {
  const check = await createCheck({ method: 'matches_schema', kwargs: {} }, {
    baseDir: '.',
    helpersDir: './helpers',
    endpointSchemas: { status: 'found', source: 'test', endpoints: { '/x': { output } } },
  });
  const response: DataRequest = {
    header: { requestId: 'r1', execEndpoint: '/x', targetExecutor: '', status: { code: 0, description: '' } } as DataRequest['header'],
    parameters: {},
    routes: [],
    docs: docs.map((doc, i) => documentFromJson({ id: `d${i}`, ...doc }, 'v2')),
  };
  return check({ method: 'index', endpoint: '/x', sent: [], response }).map((violation) => violation.message);
}

test('nested values of the declared shape hold; any depth of numbers where none is declared', async () => {
  expect(await violations([{ grid: [[1, 2], [3, 4]], free: [[[0.5]], [[1.5]]] }, { grid: [[0, 0], [0, 0]], free: null }])).toEqual([]);
});

test('another shape, or a value that is not a number, is a violation naming the path', async () => {
  expect(await violations([{ grid: [1, 2, 3, 4] }])).toEqual([expect.stringMatching(/^matches_schema \/x: grid = \[1,2,3,4\] must NOT have more than 2 items \(document d0\); grid\[0\] = 1 must be array/)]);
  expect(await violations([{ grid: [[1, 2], [3, 'x']] }])).toEqual(['matches_schema /x: grid[1][1] = "x" must be number (document d0)']);
  expect(await violations([{ grid: [[1, 2, 3], [4, 5, 6]] }])).toEqual([
    'matches_schema /x: grid[0] = [1,2,3] must NOT have more than 2 items (document d0); grid[1] = [4,5,6] must NOT have more than 2 items (document d0)',
  ]);
});
