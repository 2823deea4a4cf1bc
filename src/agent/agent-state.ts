import type { AgentLedger } from './agent-ledger';
import type { ResolvedAgentOptions } from './agent-options';
import type { FlowStore } from './flow-store';
import type { KeyedLock } from './keyed-lock';
import type { RunLeases } from './run-leases';
import type { WorkspaceStore } from './workspace-store';

/** What the routes share: one per agent. */
export interface AgentState {
  options: ResolvedAgentOptions;
  workspaces: WorkspaceStore;
  flows: FlowStore;
  ledger: AgentLedger;
  leases: RunLeases;
  /** Per workspace id: creates, uploads, Flow starts and deletes of one workspace take turns. */
  workspaceLocks: KeyedLock;
  runtimeNames: string[];
  defaultRuntime: string;
  /** True once close() began: new flows are refused with 503. */
  isClosing: () => boolean;
}
