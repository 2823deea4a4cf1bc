import { DEFAULT_ENDPOINT, type ExecutorKind } from './simulated-executor.ts';

/** Returns documents unchanged: 1.x's `_pass`/`_merge` (joins are reduced by the gateway). */
export const passThrough = {
  summary: 'returns documents unchanged',
  options: {},
  async create() {
    return { endpoints: [DEFAULT_ENDPOINT], process: ({ docs }) => ({ docs }) };
  },
} satisfies ExecutorKind;
