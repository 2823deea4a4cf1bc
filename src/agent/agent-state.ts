import type { AgentLedger } from './agent-ledger.ts';
import type { ResolvedAgentOptions } from './agent-options.ts';
import type { FlowStore } from './flow-store.ts';
import type { KeyedLock } from './keyed-lock.ts';
import type { RunBarriers } from './run-barriers.ts';
import type { RunLeases } from './run-leases.ts';
import type { WorkspaceStore } from './workspace-store.ts';

/** What the routes share: one per agent. */
export interface AgentState {
  options: ResolvedAgentOptions;
  workspaces: WorkspaceStore;
  flows: FlowStore;
  ledger: AgentLedger;
  leases: RunLeases;
  /** Rendezvous of distributed runs' generators (in memory). */
  barriers: RunBarriers;
  /** Per workspace id: creates, uploads, Flow starts and deletes of one workspace take turns. */
  workspaceLocks: KeyedLock;
  runtimeNames: string[];
  defaultRuntime: string;
  /** True once close() began: new flows are refused with 503. */
  isClosing: () => boolean;
}
