import path from 'node:path';
import type { PathContext } from './config-paths.ts';
import type { JobStep } from './job-steps.ts';
import { stepPath } from './job-steps.ts';
import { resolveCallPaths } from './kwargs-paths.ts';
import { checkLifecycle } from './lifecycle-checks.ts';
import type { DaemonAddress, GatewayAddress, JobPlan, LoadStepParams, StepPlan } from './plan.ts';
import type { ProblemList } from './problem-list.ts';
import type { SourcePositions } from './source-positions.ts';
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
}

export interface JobContext {
  paths: PathContext;
  positions: SourcePositions;
  problems: ProblemList;
}

/**
 * Checks across a job's steps and, when every step is valid, its JobPlan: names, positions,
 * load steps' gateway (step keys, else the job's) and dataset paths.
 */
export function planJob(source: JobSource, context: JobContext): JobPlan | undefined {
  const { name: job, steps } = source;
  const names = assignStepNames(job, steps, context.problems);
  checkLifecycle(job, steps, source.hasGateway, context.problems);

  const downloads: string[] = [];
  const planned: StepPlan[] = [];
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
    if (parsed.kind === 'download_from_s3') downloads.push(path.join(parsed.params.localDirectory, parsed.params.key));
    if (parsed.kind === 'index' || parsed.kind === 'query') {
      const params = withJobGateway(parsed.params, step.raw, source.gateway);
      params.inputs = resolveCallPaths(params.inputs, [...at, 'inputs'], downloads, context.paths, context.problems);
      if (params.onAlways) params.onAlways = resolveCallPaths(params.onAlways, [...at, 'on_always'], downloads, context.paths, context.problems);
      planned.push({ ...base, kind: parsed.kind, params } as StepPlan);
    } else {
      planned.push({ ...base, kind: parsed.kind, params: parsed.params } as StepPlan);
    }
  }
  if (planned.length !== steps.length) return undefined;
  return { name: job, daemon: source.daemon, gateway: source.gateway, steps: planned };
}

/**
 * The gateway a load step sends to: its own gateway_host/gateway_port override the job's
 * gateway key by key (the seed's defaults fill in when the job has none). The job gateway's
 * protocol sets the client when the step names none.
 */
function withJobGateway(params: LoadStepParams, raw: Readonly<Record<string, unknown>>, gateway: GatewayAddress | undefined): LoadStepParams {
  const client = raw.client === undefined && gateway?.protocol ? gateway.protocol : params.client;
  if (!params.gateway) return { ...params, client, gateway: gateway && { ...gateway, protocol: gateway.protocol ?? client } };
  const host = raw.gateway_host === undefined && gateway ? gateway.host : params.gateway.host;
  const port = raw.gateway_port === undefined && gateway ? gateway.port : params.gateway.port;
  return { ...params, client, gateway: { host, port, protocol: client } };
}
