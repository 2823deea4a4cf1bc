import type { FlowRuntimeEntry } from './flow-runtime.ts';
import { createProcessFlowRuntime } from './process-flow-runtime.ts';
import { createReferenceFlowRuntime } from './reference-flow-runtime.ts';

/** Every runtime `POST /flows` can name with its `runtime` form field. */
export const flowRuntimes = {
  process: {
    summary: 'runs a command per Flow (default `jina flow --uses <file>`) in the workspace folder',
    create: (settings) => createProcessFlowRuntime(settings),
  },
  reference: {
    summary: 'serves the Flow in the agent process with simulated executors (no Python)',
    create: () => createReferenceFlowRuntime(),
  },
} satisfies Record<string, FlowRuntimeEntry>;

export type FlowRuntimeName = keyof typeof flowRuntimes;

/** Needs no Python, so a fresh clone runs flows out of the box. */
export const defaultFlowRuntime: FlowRuntimeName = 'reference';
