import type { SplitMeans } from './round-trip-split.ts';

/**
 * What a `find_capacity` step found (src/capacity runs the search; report/ renders it). Plain
 * JSON, carried on the step's LoadResult (`capacity`), so it crosses to the main process and
 * lands in summary.json like every other measurement. Rates in requests per second.
 */

/** The search stops when the bracket is this narrow: a share of the passing rate, or req/s. */
export type CapacityResolution = { kind: 'relative'; share: number } | { kind: 'absolute'; rate: number };

/** What a probe must meet to pass: the step's `objective`. */
export interface CapacityObjective {
  p95Ms?: number;
  p99Ms?: number;
  /** Share of answered requests allowed to fail (default 0.01). */
  errorRate: number;
  executor?: Record<string, { p95Ms?: number; p99Ms?: number }>;
}

/**
 * One limit of the objective against one probe: the shape of load-result.ts's
 * ThresholdOutcome (not imported from there: load-result.ts imports this file, and a type
 * cycle is still a cycle), so renderThresholdTable and the failure categories read it alike.
 */
export interface ObjectiveOutcome {
  name: string;
  limit: number;
  measured: number;
  passed: boolean;
  note?: string;
}

/**
 * One offered rate, measured: one run, or more when the first landed near a limit (the runs
 * are pooled: counts summed, histograms added, so a repeat adds samples rather than a vote).
 */
export interface CapacityProbe {
  /** 1-based, in the order run. */
  index: number;
  phase: 'growth' | 'bisection';
  /** Measured runs at this rate (1 + repeats). */
  runs: number;
  offeredRate: number;
  /** Requests answered without an error per second of the measured phases. */
  achievedRate: number;
  requests: number;
  errors: number;
  /** Sent and not answered within the probe (counted above every latency limit). */
  cutOff: number;
  /** Of the answered requests, from the intended start (open model). */
  p50Ms: number;
  p99Ms: number;
  /** Time per executor as the gateway stamped it (waiting for a free replica included). */
  executors: Record<string, { meanMs: number; p50Ms: number }>;
  split?: SplitMeans;
  /** Generator CPU as a share of its usable cores (mean over the phase). */
  generatorShare?: number;
  generatorSaturated: boolean;
  /** The busiest process the agents sampled during the probe (its busiest run); absent without host metrics. */
  busiestProcess?: ProbeBusiestProcess;
  /** The objective, judged on this probe (latency limits count cut-off requests as above them). */
  outcomes: ObjectiveOutcome[];
  passed: boolean;
  /** Close enough to a limit (within the resolution or the measurement's confidence) to repeat. */
  marginal: boolean;
  /** Why it failed or is marginal, for people. */
  notes: string[];
}

export interface ProbeBusiestProcess {
  /** The process row's name, e.g. `indexer/shard-0/rep-0` or `agent process [gateway, encoder]`. */
  name: string;
  agent: string;
  executor?: string;
  role: string;
  meanCpuCores: number;
  hostCores?: number;
  /** Its row includes the load generator (the agent runs in the generator's process). */
  includesGenerator?: boolean;
}

/** Where throughput stopped growing with offered load. */
export type CapacityKnee =
  | { status: 'found'; offeredRate: number; achievedRate: number; note: string }
  | { status: 'not-reached'; note: string };

/** What limited the rate, from what was measured (see src/capacity/find-binding-resource.ts). */
export interface BindingResource {
  /** `generator`, `executor:<name>`, `gateway`, `client/transport` or `unknown`. */
  resource: string;
  evidence: string;
}

/**
 * The shape of a capacity search, before anything runs: exponential growth from `startRate`
 * by `growth` until the objective breaks (or `maxRate` passes), then bisection of the last
 * bracket until it is within `resolution`. Its arithmetic is src/capacity/search-plan.ts: the config validation uses it to
 * say whether the bounds can reach the resolution, and the search to stop.
 */
export interface CapacityPlan {
  startRate: number;
  maxRate: number;
  growth: number;
  resolution: CapacityResolution;
  warmupS: number;
  probeDurationS: number;
  maxDurationS: number;
  maxRepeats: number;
}

/** The plan as validated: how many probes fit the time budget, and how many the resolution may need. */
export interface CapacityPlanSummary extends CapacityPlan {
  probesThatFit: number;
  probesNeeded: number;
}

interface CapacityCommon {
  objective: CapacityObjective;
  plan: CapacityPlanSummary;
  probes: CapacityProbe[];
  knee: CapacityKnee;
  binding: BindingResource;
  /** Wall time of the whole search, cool-downs included. */
  elapsedS: number;
  /** One sentence: what was found, or why not. */
  message: string;
}

/**
 * How the search ended. `found`: the bracket is within the resolution; `above-max-rate`: even
 * max_rate passed; `unresolved`: max_duration ran out first; `start-rate-fails`: the objective
 * broke at the start rate; `generator-saturated`: a probe measured the generator, not the Flow;
 * `interrupted`: the abort signal.
 */
export type CapacityResult = CapacityCommon &
  (
    | { status: 'found'; maxSustainableRate: number; firstFailingRate: number }
    | { status: 'unresolved'; maxSustainableRate: number; firstFailingRate?: number }
    | { status: 'above-max-rate'; maxSustainableRate: number }
    | { status: 'start-rate-fails'; firstFailingRate: number }
    | { status: 'generator-saturated'; saturatedAtRate: number; maxSustainableRate?: number }
    | { status: 'interrupted'; maxSustainableRate?: number; firstFailingRate?: number }
  );
