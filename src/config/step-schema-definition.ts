import type { z } from 'zod';
import type { GatewayAddress } from './addresses.ts';
import type { PathContext } from './config-paths.ts';
import type { ProblemList } from './problem-list.ts';
import type { YamlPathSegment } from './yaml-path.ts';

/** Reports a problem at a path relative to the step. */
export type StepProblemReport = (path: readonly YamlPathSegment[], message: string, hint?: string) => void;

/** What a job holds between its steps, checked in config order: one workspace, one Flow at a time. */
export type LifecycleResource = 'workspace' | 'flow';

/**
 * What must exist before a step: a workspace, a running Flow, or a gateway to send to (a Flow
 * the job started, or one configured with `gateway:` / gateway_host / JINA_GATEWAY_HOST).
 */
export type LifecycleNeed = LifecycleResource | 'gateway';

/** What a step's `inJob` sees of its job when the whole job is valid. */
/** A file a workspace step of the job uploaded, and what it was rendered with (the seed's `_rendered/` copy). */
export interface UploadedTemplate {
  environment: Readonly<Record<string, string>>;
  instancesFile?: string;
  /** The step that rendered it last. */
  stepIndex: number;
  kind: string;
}

/** What the job's steps rendered so far, in config order: the latest upload of each file name wins. */
export interface JobTemplates {
  /** strict_templates: a {{ VAR }} without a value is an error, not an empty string. */
  strict: boolean;
  uploaded: Map<string, UploadedTemplate>;
}

export interface StepInJob {
  /** The step as written (after `${ENV}` interpolation). */
  raw: Readonly<Record<string, unknown>>;
  /** The job's `gateway:`, else one from JINA_GATEWAY_HOST/PORT. */
  gateway?: GatewayAddress;
  /** Local files earlier steps of the job download (absolute), which may not exist yet. */
  downloads: readonly string[];
  templates: JobTemplates;
  /** The step's YAML path, for problems. */
  at: readonly YamlPathSegment[];
  paths: PathContext;
  problems: ProblemList;
  /** The Flow file of the job's latest start_flow before this step (absent after terminate_flow). */
  flowFile?: string;
}

/**
 * The config half of a step kind: its YAML keys (snake_case), how they become its Plan params
 * (camelCase), and its lifecycle. Each kind defines it in its own file, `src/steps/<kind>.ts`,
 * with defineStep (which adds the run half); `src/steps/step-table.ts` tables them, and the
 * config schema, the JSON Schema, the StepPlan type and the lifecycle checks derive from it.
 */
export interface StepSchemaDefinition<K extends string = string, S extends z.ZodRawShape = z.ZodRawShape, P = unknown> {
  kind: K;
  /** What the step does: the JSON Schema description and the hint for a wrong method. */
  description: string;
  /** The step's own keys (`method`, `name`, `sleep_time` are every step's). */
  schema(context: PathContext): S;
  /**
   * Checks that span keys of one step (`ramp_to` needs `arrival_rate`), on the step as
   * written (defaults not applied). They run even when other keys are invalid, so they read
   * values defensively.
   */
  check?(step: Readonly<Record<string, unknown>>, report: StepProblemReport, context: PathContext): void;
  /** Called only when every field is valid; may still report problems that need them all. */
  toParams(input: z.output<z.ZodObject<S>>, report: StepProblemReport, context: PathContext): P;
  /** Adjusts the params with what the job knows (its gateway, what earlier steps download). */
  inJob?(params: P, job: StepInJob): P;
  /** Local files the step writes that later steps of the job may name before they exist. */
  downloads?(params: P): string[];
  /** What must exist in the job before the step (checked in config order). */
  needs: readonly LifecycleNeed[];
  creates?: LifecycleResource;
  removes?: LifecycleResource;
}
