import type { PathContext } from './config-paths.ts';
import type { JobStep } from './job-steps.ts';
import { stepPath } from './job-steps.ts';
import { checkLifecycle } from './lifecycle-checks.ts';
import { planJobHosts } from './job-hosts.ts';
import type { DaemonAddress, GatewayAddress, JobPlan, StepPlan } from './plan.ts';
import { stepSchemaOf } from './step-kinds.ts';
import type { ProblemList } from './problem-list.ts';
import type { SourcePositions } from './source-positions.ts';
import type { JobTemplates } from './step-schema-definition.ts';
import { assignStepNames } from './step-names.ts';
import { formatYamlPath } from './yaml-path.ts';

export interface JobSource {
  name: string;
  steps: JobStep[];
  daemon?: DaemonAddress;
  /** The job's `gateway:`, else one from JINA_GATEWAY_HOST/PORT. */
  gateway?: GatewayAddress;
  /** A gateway is configured even if it did not validate (avoids a second, derived problem). */
  hasGateway: boolean;
  /** The job's `hosts:` as written (executor name → agent). */
  hosts?: Record<string, string>;
  /**
   * The main agent's host and the token for the job's other agents when the job names no
   * `daemon:` (the seed's JINA_GATEWAY_HOST, JINA_STRESS_AGENT_TOKEN).
   */
  envAgent?: { host?: string; token?: string };
}

export interface JobContext {
  paths: PathContext;
  positions: SourcePositions;
  problems: ProblemList;
  /** The config's strict_templates. */
  strictTemplates?: boolean;
}

/**
 * Checks across a job's steps and, when every step is valid, its JobPlan: names, positions,
 * and what each kind takes from its job (its `inJob`: a load step's gateway and dataset paths,
 * which may be files an earlier step `downloads`).
 */
export function planJob(source: JobSource, context: JobContext): JobPlan | undefined {
  const { name: job, steps } = source;
  const names = assignStepNames(job, steps, context.problems);
  checkLifecycle(job, steps, source.hasGateway, context.problems);

  const downloads: string[] = [];
  const templates: JobTemplates = { strict: context.strictTemplates === true, uploaded: new Map() };
  const planned: StepPlan[] = [];
  let flowFile: string | undefined;
  for (const step of steps) {
    const parsed = step.parsed;
    if (!parsed) continue;
    const at = stepPath(job, step.index);
    const position = context.positions.locate(at);
    const base = {
      index: step.index,
      name: names[step.index] as string,
      sleepTimeS: parsed.sleepTimeS,
      location: { yamlPath: formatYamlPath(at), line: position.line, column: position.column },
    };
    const definition = stepSchemaOf(parsed.kind);
    const params = definition.inJob
      ? definition.inJob(parsed.params, { raw: step.raw, gateway: source.gateway, downloads, templates, at, paths: context.paths, problems: context.problems, ...(flowFile ? { flowFile } : {}) })
      : parsed.params;
    if (parsed.kind === 'start_flow') flowFile = (params as { file: string }).file;
    if (parsed.kind === 'terminate_flow') flowFile = undefined;
    downloads.push(...(definition.downloads?.(params) ?? []));
    planned.push({ ...base, kind: parsed.kind, params } as StepPlan);
  }
  if (planned.length !== steps.length) return undefined;
  const flows = planned.flatMap((step) =>
    step.kind === 'start_flow'
      ? [{ at: stepPath(job, step.index), file: step.params.file, environment: step.params.templateEnvironment ?? step.params.environment, ...(step.params.instancesFile ? { instancesFile: step.params.instancesFile } : {}), ...(step.params.runtime ? { runtime: step.params.runtime } : {}) }]
      : [],
  );
  const main = source.daemon ?? { host: source.envAgent?.host ?? '127.0.0.1', port: 0, ...(source.envAgent?.token ? { token: source.envAgent.token } : {}) };
  const placement = planJobHosts(job, source.hosts, flows, main, context);
  return {
    name: job,
    daemon: source.daemon,
    gateway: source.gateway,
    ...(Object.keys(placement.hosts).length > 0 ? { hosts: placement.hosts } : {}),
    ...(placement.agents.length > 0 ? { agents: placement.agents } : {}),
    steps: planned,
  };
}
