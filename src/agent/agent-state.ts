import type { ResolvedAgentOptions } from './agent-options.ts';
import type { FlowStore } from './flow-store.ts';
import type { WorkspaceStore } from './workspace-store.ts';

/** What the routes share: one per agent. */
export interface AgentState {
  options: ResolvedAgentOptions;
  workspaces: WorkspaceStore;
  flows: FlowStore;
  runtimeNames: string[];
  defaultRuntime: string;
  /** True once close() began: new flows are refused with 503. */
  isClosing: () => boolean;
}
