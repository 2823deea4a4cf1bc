import { describe, expect, test } from 'vitest';
import type { StepPlan } from '../../src/config/plan.ts';
import { findPrerequisites } from '../../src/steps/find-prerequisites.ts';

function plan(...kinds: string[]): StepPlan[] {
  return kinds.map(
    (kind, index) =>
      ({ kind, index, name: `${kind}#${index}`, sleepTimeS: 0, params: {}, location: { yamlPath: '', line: 1, column: 1 } }) as unknown as StepPlan,
  );
}

describe('findPrerequisites', () => {
  const seed = plan(
    'create_workspace', // 0
    'start_flow', // 1
    'index', // 2
    'terminate_flow', // 3
    'start_flow', // 4
    'query', // 5
    'terminate_flow', // 6
    'delete_workspace', // 7
    'collect_stats', // 8
  );

  test('a query needs the workspace and the flow running at its place, not the earlier one', () => {
    expect(findPrerequisites(seed, 5, ['flow'])).toEqual([0, 4]);
  });

  test('an index needs the first flow', () => {
    expect(findPrerequisites(seed, 2, ['workspace', 'flow'])).toEqual([0, 1]);
  });

  test('terminate_flow needs the flow it terminates', () => {
    expect(findPrerequisites(seed, 6, ['flow'])).toEqual([0, 4]);
  });

  test('collect_stats needs nothing', () => {
    expect(findPrerequisites(seed, 8, [])).toEqual([]);
  });

  test('a step after delete_workspace has no workspace to get', () => {
    expect(findPrerequisites(seed, 8, ['workspace', 'flow'])).toEqual([]);
  });

  test('update_workspace steps belong to the workspace they update', () => {
    const steps = plan('create_workspace', 'update_workspace', 'start_flow', 'query');
    expect(findPrerequisites(steps, 3, ['flow'])).toEqual([0, 1, 2]);
  });

  test('a step with an external gateway (no start_flow) needs nothing', () => {
    expect(findPrerequisites(plan('query'), 0, ['flow'])).toEqual([]);
  });

  test('a query that reads data also gets the index before it, with the flow it indexed through and that flow\'s end', () => {
    expect(findPrerequisites(seed, 5, ['gateway'], true)).toEqual([0, 1, 2, 3, 4]);
  });

  test('an index on the query\'s own flow comes without a terminate', () => {
    const steps = plan('create_workspace', 'start_flow', 'index', 'query');
    expect(findPrerequisites(steps, 3, ['gateway'], true)).toEqual([0, 1, 2]);
  });

  test('data written into an earlier, deleted workspace is not the query\'s', () => {
    const steps = plan('create_workspace', 'start_flow', 'index', 'terminate_flow', 'delete_workspace', 'create_workspace', 'start_flow', 'query');
    expect(findPrerequisites(steps, 7, ['gateway'], true)).toEqual([5, 6]);
  });

  test('without a workspace (an external gateway) there is no data to replay', () => {
    expect(findPrerequisites(plan('index', 'query'), 1, ['gateway'], true)).toEqual([]);
  });
});
