import type { FlowRuntime, FlowRuntimeEntry } from './flow-runtime.ts';
import { createReferenceFlowRuntime } from './reference-flow-runtime.ts';

/** Every runtime `POST /flows` can name with its `runtime` form field. */
export const flowRuntimes = {
  process: {
    summary: 'runs a command per Flow (default `jina flow --uses <file>`) in the workspace folder',
    // Loaded on its first Flow: its readiness probes bring grpc-js, ws and protobufjs, which the
    // embedded agent of a run on the reference runtime (the default) would load for nothing.
    create: (settings) => {
      let runtime: Promise<FlowRuntime> | undefined;
      return {
        start: async (request) => (await (runtime ??= import('./process-flow-runtime.ts').then(({ createProcessFlowRuntime }) => createProcessFlowRuntime(settings)))).start(request),
      };
    },
  },
  reference: {
    summary: 'serves the Flow in the agent process with simulated executors (no Python)',
    create: () => createReferenceFlowRuntime(),
  },
} satisfies Record<string, FlowRuntimeEntry>;

export type FlowRuntimeName = keyof typeof flowRuntimes;

/** Needs no Python, so a fresh clone runs flows out of the box. */
export const defaultFlowRuntime: FlowRuntimeName = 'reference';
