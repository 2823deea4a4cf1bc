import { createHash } from 'node:crypto';
import path from 'node:path';
import { buildConfigSchema, buildStepUnion, withoutExtensionKeys } from './config-schema.ts';
import type { ConfigOutput } from './config-schema.ts';
import type { PathContext } from './config-paths.ts';
import { coerceEnvScalars } from './env-coercion.ts';
import { interpolateEnv } from './env-interpolation.ts';
import { freezePlan } from './immutable-plan.ts';
import { addIssueProblems, configErrorMessage } from './issue-problems.ts';
import { planJob } from './job-plan.ts';
import type { JobStep } from './job-steps.ts';
import type { GatewayAddress, JobPlan, Plan } from './plan.ts';
import type { Problem } from './problem.ts';
import { compareProblems } from './problem.ts';
import { ProblemList } from './problem-list.ts';
import { stepPath } from './job-steps.ts';
import { isStepKind, STEP_KINDS, stepSchemaOf } from './step-kinds.ts';
import { closestMatch } from './did-you-mean.ts';
import type { StepKind } from './plan.ts';
import { DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT } from './gateway-keys.ts';
import { parseYamlDocument } from './yaml-document.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigSourceOptions {
  /** Where the config is (or would be): names it in messages, anchors relative paths. */
  configPath: string;
  /** Default: process.cwd(). */
  cwd?: string;
  /** For `${VAR}` and JINA_GATEWAY_HOST/PORT. Default: process.env. */
  env?: Env;
}

/** Warnings do not make a config invalid (unless it asks for strict templates); they are shown beside the result. */
export type ConfigValidation = { status: 'valid'; plan: Plan; warnings: Problem[] } | { status: 'invalid'; problems: Problem[]; warnings: Problem[] };

const MAX_COERCION_ROUNDS = 4;

/**
 * Validates a config's text completely and returns the Plan, or every problem found. Reads
 * files the config names (they must exist) but contacts nothing.
 */
export function validateConfigText(text: string, options: ConfigSourceOptions): ConfigValidation {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const file = path.resolve(cwd, options.configPath);
  const paths: PathContext = { configDir: path.dirname(file), cwd };

  const document = parseYamlDocument(text, file);
  if (document.status === 'invalid') return { status: 'invalid', problems: document.problems, warnings: [] };
  const problems = new ProblemList(file, document.positions);

  // The seed exported a workspace step's `environment` for the steps after it (export-environment.ts).
  const interpolated = interpolateEnv(document.value, env, problems, { exportingMethods: ['create_workspace', 'update_workspace'] });
  const schema = buildConfigSchema(paths);
  let data = withoutExtensionKeys(interpolated.value);
  let result = schema.safeParse(data, { error: configErrorMessage });
  for (let round = 0; !result.success && round < MAX_COERCION_ROUNDS; round++) {
    const coerced = coerceEnvScalars(data, result.error.issues, interpolated.wholeReferences);
    if (coerced === undefined) break;
    data = coerced;
    result = schema.safeParse(data, { error: configErrorMessage });
  }
  if (!result.success) addIssueProblems(result.error.issues, { root: schema, data, pathContext: paths }, problems);

  const jobs = planJobs(data, result.success ? result.data : undefined, { env, paths, problems, positions: document.positions });
  const warnings = problems.warnings.sort(compareProblems);
  if (!problems.isEmpty || !jobs) return { status: 'invalid', problems: problems.problems.sort(compareProblems), warnings };
  const configHash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return { status: 'valid', plan: freezePlan({ configPath: file, configDir: paths.configDir, configHash, jobs }), warnings };
}

interface PlanningContext {
  env: Env;
  paths: PathContext;
  problems: ProblemList;
  positions: Parameters<typeof planJob>[1]['positions'];
}

/** Job-level checks on whatever is valid, and the jobs' plans when the whole config is. */
function planJobs(data: unknown, parsed: ConfigOutput | undefined, context: PlanningContext): JobPlan[] | undefined {
  const rawJobs = asRecord(asRecord(data)?.jobs);
  if (!rawJobs) return undefined;
  const envGateway = gatewayFromEnv(context.env, context.problems);
  const stepSchema = buildStepUnion(context.paths);
  const planned: JobPlan[] = [];
  const strictTemplates = asRecord(data)?.strict_templates === true;
  for (const [name, rawJob] of Object.entries(rawJobs)) {
    const rawSteps = asRecord(rawJob)?.steps;
    if (!Array.isArray(rawSteps)) continue;
    const steps: JobStep[] = rawSteps.map((raw, index) => {
      const step: Readonly<Record<string, unknown>> = asRecord(raw) ?? {};
      const method = isStepKind(step.method) ? step.method : undefined;
      const written = typeof raw === 'string' ? raw : step.method;
      const likelyMethod = method ? undefined : (closestMatch(String(written ?? ''), STEP_KINDS) as StepKind | undefined);
      if (method) {
        stepSchemaOf(method).check?.(step, (at, message, hint) => context.problems.add(stepPath(name, index, ...at), message, { hint }), context.paths);
      }
      const result = method ? stepSchema.safeParse(raw, { error: configErrorMessage }) : undefined;
      return { index, raw: step, method, likelyMethod, parsed: result?.success ? result.data : undefined };
    });
    const job = parsed?.jobs[name];
    const hasGateway = asRecord(rawJob)?.gateway !== undefined || envGateway !== undefined;
    const plan = planJob(
      { name, steps, daemon: job?.daemon, gateway: job?.gateway ?? envGateway, hasGateway, ...(job?.hosts ? { hosts: job.hosts } : {}), envAgent: { ...(context.env.JINA_GATEWAY_HOST ? { host: context.env.JINA_GATEWAY_HOST } : {}), ...(context.env.JINA_STRESS_AGENT_TOKEN ? { token: context.env.JINA_STRESS_AGENT_TOKEN } : {}) } },
      { paths: context.paths, positions: context.positions, problems: context.problems, strictTemplates },
    );
    if (plan) planned.push(plan);
  }
  return parsed ? planned : undefined;
}

/** The seed's JINA_GATEWAY_HOST / JINA_GATEWAY_PORT: a gateway for every job without one. */
function gatewayFromEnv(env: Env, problems: ProblemList): GatewayAddress | undefined {
  const host = env.JINA_GATEWAY_HOST || undefined;
  const portText = env.JINA_GATEWAY_PORT || undefined;
  if (host === undefined && portText === undefined) return undefined;
  const port = portText === undefined ? DEFAULT_GATEWAY_PORT : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    problems.problems.push({
      file: problems.file,
      yamlPath: '(env) JINA_GATEWAY_PORT',
      line: 1,
      column: 1,
      message: 'expected a port number (1-65535)',
      found: JSON.stringify(portText),
      hint: 'fix or unset the JINA_GATEWAY_PORT environment variable',
    });
    return undefined;
  }
  return { host: host ?? DEFAULT_GATEWAY_HOST, port };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
