import type { stepTable } from '../steps/step-table.ts';
import type { JobSummary, PlanSummary } from './plan-summary.ts';

export type { DaemonAddress, GatewayAddress } from './addresses.ts';
export type { NamedCall } from './named-call.ts';
export type { JobSummary, PlanSummary } from './plan-summary.ts';

/**
 * The validated, immutable result of loading a config. Plain JSON (it crosses from Vitest's
 * main process to workers by provide/inject). All paths are absolute; all keys camelCase.
 */
export interface Plan extends PlanSummary {
  jobs: JobPlan[];
}

export interface JobPlan extends JobSummary {
  steps: StepPlan[];
}

/** Where a thing came from in the YAML, for messages. */
export interface SourceLocation {
  yamlPath: string;
  line: number;
  column: number;
}

export interface StepBase {
  /** Position in the job, 0-based. */
  index: number;
  /** Test name: the step's `name:` or its method. Unique within a job. */
  name: string;
  sleepTimeS: number;
  location: SourceLocation;
}

type StepTable = typeof stepTable;

/** The YAML `method` of every step kind: the keys of the step table. */
export type StepKind = keyof StepTable & string;

/** A kind's params, as its toParams (and inJob) make them. */
export type StepParamsOf<K extends StepKind> = ReturnType<StepTable[K]['toParams']>;

/** One variant per step kind, derived from the step table; `kind` is the YAML `method`. */
export type StepPlan = { [K in StepKind]: StepBase & { kind: K; params: StepParamsOf<K> } }[StepKind];
