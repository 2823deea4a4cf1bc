import type { DaemonAddress, Plan } from '../config/plan.ts';

/** What global setup hands the suite worker (plain JSON via provide/inject). */
export interface SuitePayload {
  plan: Plan;
  runId: string;
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
