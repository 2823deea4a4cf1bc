import type { FlowRuntimeEntry } from './flow-runtime';
import { createProcessFlowRuntime } from './process-flow-runtime';

/** Every runtime `POST /flows` can name with its `runtime` form field. */
export const flowRuntimes = {
  process: {
    summary: 'runs a command per Flow (default `jina flow --uses <file>`) in the workspace folder',
    create: (settings) => createProcessFlowRuntime(settings),
  },
} satisfies Record<string, FlowRuntimeEntry>;

export type FlowRuntimeName = keyof typeof flowRuntimes;

/** `reference` when this build has it (no Python needed), else `process`. */
export const defaultFlowRuntime: string = 'reference' in flowRuntimes ? 'reference' : 'process';
