import type { Plan } from '../config/plan.ts';
import type { DaemonAddress } from '../config/addresses.ts';

/** What global setup hands the suite worker (plain JSON via provide/inject). */
export interface SuitePayload {
  plan: Plan;
  runId: string;
  /**
   * What everything this run creates on an agent is tagged with (`run_id`), unique to this
   * `vitest run` even when runs share a TFID: the main process leases it and removes by it.
   */
  agentRunId: string;
  /**
   * Run from several machines through a shared agent: the run id every generator meets under
   * (STRESS_RUN_ID in the agent's alphabet); segment 1's agentRunId is this one.
   */
  segmentRunId?: string;
  reportsDir: string;
  /** The embedded agent, for jobs that name no daemon. */
  embeddedDaemon?: DaemonAddress;
  /** Daemon from the seed's env vars (JINA_GATEWAY_HOST / JINA_GATEWAY_PORT), if set. */
  envDaemon?: DaemonAddress;
}

export const PAYLOAD_KEY = 'jinaStress';

declare module 'vitest' {
  export interface ProvidedContext {
    jinaStress: SuitePayload;
  }
}
