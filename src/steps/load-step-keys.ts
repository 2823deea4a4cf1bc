import path from 'node:path';
import { z } from 'zod';
import type { GatewayAddress } from '../config/addresses.ts';
import { flag, jsonObject, nonNegativeInteger, oneOf, port, positiveInteger, positiveNumber, seconds, text } from '../config/field-schemas.ts';
import { clientSchema, DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, protocolOfClient, toGatewayProtocol } from '../config/gateway-keys.ts';
import { resolveCallPaths } from '../config/kwargs-paths.ts';
import { inputCall, namedCall } from '../config/named-call.ts';
import type { StepInJob, StepProblemReport } from '../config/step-schema-definition.ts';
import { CHECK_HELPER_MODULE, checkTable } from '../checks/create-check.ts';
import type { PathContext } from '../config/config-paths.ts';
import { checkWorkBounds, limitsSchema } from '../config/work-bounds.ts';
import { closestMatch } from '../config/did-you-mean.ts';
import { INPUT_HELPER_MODULE, inputTable } from '../inputs/create-input.ts';
import { helperExportNames } from '../inputs/helper-export-names.ts';
import { kwargsSchemaOf } from '../kwargs/kwargs-schema.ts';
import { kwargSpecProblems, kwargsSchemaFromSpecs } from '../kwargs/kwarg-spec.ts';
import type { KwargsDeclaration } from '../inputs/helper-kwargs-declarations.ts';
import type { LoadStepParams } from '../load/load-params.ts';
import type { JsonObject } from '../protocol/json-value.ts';
import { checkRegressionExecutors, checkRegressionKeys, regressionKeys, toRegressionGate } from './regression-keys.ts';
import { thresholdsSchema } from './threshold-keys.ts';

/** Keys shared by index and query (the closed model of the seed, the open model, limits). */
export function loadKeys(context: PathContext) {
  return {
    client: clientSchema.default('grpc'),
    num_clients: positiveInteger('Concurrent clients of the closed model (default 1).').default(1),
    request_size: positiveInteger('Documents per request (default 100).').default(100),
    execution_time: seconds('How long the step sends requests, in seconds (default 10).').default(10),
    endpoint: z
      .string({ error: 'expected an endpoint like "/index"' })
      .regex(/^\/\S*$/, { error: 'expected an endpoint starting with "/"' })
      .optional()
      .describe('Executor endpoint to call (default /index for index, /search for query).'),
    parameters: jsonObject('Request parameters sent to the executors.').default({}),
    target_executor: text('Send requests only to this executor.').optional(),
    docarray: oneOf(['v1', 'v2'], 'Wire format of documents: v1 (DocumentArrayProto) or v2 (DocList); detected when absent.').optional(),
    inputs: inputCall('Where documents come from: a data ingester by name.', 'Ingester name, e.g. random_images, random_texts, schema_documents.'),
    on_always: namedCall('A check run on every response, by name.', 'Check name, e.g. validate_images.').optional(),
    gateway_host: text(`Flow gateway host (the seed's key; default ${DEFAULT_GATEWAY_HOST} when gateway_port is set).`).optional(),
    gateway_port: port(`Flow gateway port (the seed's key; default ${DEFAULT_GATEWAY_PORT} when gateway_host is set).`).optional(),
    prefetch: positiveInteger('Requests in flight per client (default 1: send, wait, repeat).').default(1),
    grpc_mode: oneOf(['stream', 'unary'], 'gRPC call style: the bidirectional stream Jina uses (default) or unary.').default('stream'),
    websocket_framing: oneOf(['bytes', 'json'], 'WebSocket subprotocol (default bytes).').default('bytes'),
    request_timeout_ms: positiveInteger('Milliseconds before one request counts as timed out (default 30000).').default(30_000),
    arrival_rate: positiveNumber('Open model: requests started per second (at the start of a ramp).').optional(),
    ramp_to: positiveNumber('Open model: requests per second at the end, ramped linearly.').optional(),
    duration: seconds('Open model: how long the schedule runs (default: execution_time).').optional(),
    max_in_flight: positiveInteger('Open model: cap on requests in flight.').optional(),
    allow_lag: flag('Open model: let the schedule fall behind without failing the step.').default(false),
    workers: positiveInteger('Worker threads generating load (default: chosen by the engine).').optional(),
    thresholds: thresholdsSchema.default({}),
    max_violations: nonNegativeInteger('Violations of the on_always check tolerated before the step fails (default 0).').optional(),
    abort_on_fail: flag('Stop the step as soon as a threshold is crossed.').default(false),
    limits: limitsSchema.optional(),
    ...regressionKeys(context),
  };
}

const OPEN_MODEL_KEYS = ['ramp_to', 'duration', 'max_in_flight', 'allow_lag'] as const;

/** Presence rules between keys, checked on the step as written. */
export function checkLoadKeys(step: Readonly<Record<string, unknown>>, report: StepProblemReport, context?: PathContext): void {
  const has = (key: string) => step[key] !== undefined;
  if (!has('arrival_rate')) {
    for (const key of OPEN_MODEL_KEYS.filter(has)) {
      const instead = key === 'duration' ? '; the closed model runs for execution_time' : '';
      report([key], `${key} needs arrival_rate`, `${key} belongs to the open model: set arrival_rate (requests per second) too${instead}`);
    }
  } else if (has('duration') && has('execution_time')) {
    report(['duration'], 'both duration and execution_time are set', 'give the open model one length: keep duration, remove execution_time');
  }
  const thresholds = step.thresholds;
  if (has('max_violations') && thresholds && typeof thresholds === 'object' && (thresholds as Record<string, unknown>).max_violations !== undefined) {
    report(['max_violations'], 'max_violations is set both here and in thresholds', 'keep one of them');
  }
  checkWorkBounds(step, report);
  checkRegressionKeys(step, report);
  const helpersDir = path.resolve(context?.cwd ?? process.cwd(), 'helpers');
  checkBuiltinKwargs(step.inputs, inputTable, 'inputs', report, helpersDir);
  checkBuiltinKwargs(step.on_always, checkTable, 'on_always', report, helpersDir);
  const client = protocolOfClient(step.client) ?? 'grpc';
  if (has('grpc_mode') && client !== 'grpc') report(['grpc_mode'], `grpc_mode applies to the grpc client, not ${client}`, 'remove grpc_mode or set client: grpc');
  if (has('websocket_framing') && client !== 'websocket') {
    report(['websocket_framing'], `websocket_framing applies to the websocket client, not ${client}`, 'remove websocket_framing or set client: websocket');
  }
}

/**
 * The name of an input or check (a built-in, else an export of helpers/inputs.ts or
 * helpers/checks.ts, read without running it) and a built-in's kwargs against the schema it
 * declares: a typo is a config problem, not an error once the Flow is up.
 */
function checkBuiltinKwargs(call: unknown, table: Record<string, unknown>, key: 'inputs' | 'on_always', report: StepProblemReport, helpersDir: string): void {
  if (call === null || typeof call !== 'object' || Array.isArray(call)) return;
  const { method, kwargs } = call as { method?: unknown; kwargs?: unknown };
  if (typeof method !== 'string') return;
  if (kwargs !== undefined && (kwargs === null || typeof kwargs !== 'object' || Array.isArray(kwargs))) return;
  if (!Object.hasOwn(table, method)) {
    checkHelperName(method, Object.keys(table), key, report, helpersDir, (kwargs ?? {}) as JsonObject);
    return;
  }
  for (const problem of kwargsSchemaOf(table[method])?.check((kwargs ?? {}) as JsonObject) ?? []) {
    report([key, 'kwargs', problem.key], problem.message, problem.hint);
  }
}

function checkHelperName(method: string, builtins: string[], key: 'inputs' | 'on_always', report: StepProblemReport, helpersDir: string, kwargs: JsonObject): void {
  const [kind, module, define] = key === 'inputs' ? (['input', INPUT_HELPER_MODULE, 'defineInput'] as const) : (['check', CHECK_HELPER_MODULE, 'defineCheck'] as const);
  const helper = helperExportNames(helpersDir, module);
  if (helper.status === 'read' && helper.names.includes(method)) {
    checkHelperKwargs(helper.kwargs.get(method), { kind, name: method }, `helpers/${path.basename(helper.file)}`, key, report, kwargs);
    return;
  }
  const exported = helper.status === 'read' ? helper.names : [];
  const match = closestMatch(method, [...builtins, ...exported]);
  const where =
    helper.status === 'read'
      ? `helpers/${path.basename(helper.file)} exports: ${exported.join(', ') || '(nothing)'}`
      : helper.status === 'unreadable'
        ? `helpers/${path.basename(helper.file)} could not be read: ${helper.reason}`
        : `no helpers/${module}.ts`;
  const hint = `${match ? `did you mean "${match}"? ` : ''}built-in ${kind}s: ${builtins.join(', ')}; ${where}. Your own ${kind}: export it from helpers/${module}.ts with ${define}()`;
  report([key, 'method'], `unknown ${kind} "${method}"`, hint);
}

/**
 * A helper's kwargs against the declaration its source gives (defineInput/defineCheck with
 * `kwargs`, read without running it), as a built-in's are checked; a declaration that is not
 * a literal, or has none, leaves them to the run.
 */
function checkHelperKwargs(
  declaration: KwargsDeclaration | undefined,
  owner: { kind: 'input' | 'check'; name: string },
  file: string,
  key: 'inputs' | 'on_always',
  report: StepProblemReport,
  kwargs: JsonObject,
): void {
  if (declaration?.status !== 'declared') return;
  const invalid = kwargSpecProblems(declaration.specs);
  if (invalid.length > 0) {
    report([key, 'method'], `${file}: ${owner.name} declares invalid kwargs: ${invalid.join('; ')}`, 'each kwarg is {type: integer | number | string | boolean | choice | string_list | any, default?, required?, min?, max?, values?}');
    return;
  }
  for (const problem of kwargsSchemaFromSpecs(owner, declaration.specs).check(kwargs)) {
    report([key, 'kwargs', problem.key], problem.message, problem.hint);
  }
}

type LoadInput = z.output<z.ZodObject<ReturnType<typeof loadKeys>>>;

export function toLoadParams(input: LoadInput, defaultEndpoint: string): LoadStepParams {
  const protocol = toGatewayProtocol(input.client);
  const hasOwnGateway = input.gateway_host !== undefined || input.gateway_port !== undefined;
  return {
    client: protocol,
    numClients: input.num_clients,
    requestSize: input.request_size,
    executionTimeS: input.execution_time,
    endpoint: input.endpoint ?? defaultEndpoint,
    parameters: input.parameters,
    targetExecutor: input.target_executor,
    docarray: input.docarray,
    inputs: input.inputs,
    onAlways: input.on_always,
    gateway: hasOwnGateway
      ? { host: input.gateway_host ?? DEFAULT_GATEWAY_HOST, port: input.gateway_port ?? DEFAULT_GATEWAY_PORT, protocol }
      : undefined,
    prefetch: input.prefetch,
    grpcMode: input.grpc_mode,
    websocketFraming: input.websocket_framing,
    requestTimeoutMs: input.request_timeout_ms,
    arrival:
      input.arrival_rate === undefined
        ? undefined
        : {
            arrivalRate: input.arrival_rate,
            rampTo: input.ramp_to,
            durationS: input.duration ?? input.execution_time,
            maxInFlight: input.max_in_flight,
            allowLag: input.allow_lag,
          },
    workers: input.workers,
    thresholds: input.thresholds,
    maxViolations: input.max_violations ?? input.thresholds.maxViolations ?? 0,
    abortOnFail: input.abort_on_fail,
    ...withRegression(toRegressionGate(input.baseline, input.regression)),
  };
}

const withRegression = (regression: LoadStepParams['regression']) => (regression ? { regression } : {});

/**
 * The step in its job: its gateway (the step's gateway_host/gateway_port override the job's
 * gateway key by key; the job gateway's protocol sets the client when the step names none),
 * and the path kwargs of `inputs` / `on_always` resolved (a file an earlier download_from_s3
 * writes counts).
 */
export function loadStepInJob(params: LoadStepParams, job: StepInJob): LoadStepParams {
  const withGateway = withJobGateway(params, job.raw, job.gateway);
  const at = [...job.at];
  checkRegressionExecutors(params.regression, job);
  return {
    ...withGateway,
    inputs: resolveCallPaths(withGateway.inputs, [...at, 'inputs'], job.downloads, job.paths, job.problems),
    ...(withGateway.onAlways ? { onAlways: resolveCallPaths(withGateway.onAlways, [...at, 'on_always'], job.downloads, job.paths, job.problems) } : {}),
  };
}

function withJobGateway(params: LoadStepParams, raw: Readonly<Record<string, unknown>>, gateway: GatewayAddress | undefined): LoadStepParams {
  const client = raw.client === undefined && gateway?.protocol ? gateway.protocol : params.client;
  if (!params.gateway) return { ...params, client, gateway: gateway && { ...gateway, protocol: gateway.protocol ?? client } };
  const host = raw.gateway_host === undefined && gateway ? gateway.host : params.gateway.host;
  const port = raw.gateway_port === undefined && gateway ? gateway.port : params.gateway.port;
  return { ...params, client, gateway: { host, port, protocol: client } };
}

/**
 * The phase's own length plus room to connect, drain in-flight requests and attach reports.
 * Vitest aborts the step's signal at this point, and the engine stops cleanly on it.
 */
export function loadStepTimeoutMs(params: LoadStepParams): number {
  const phaseS = params.arrival ? params.arrival.durationS : params.executionTimeS;
  return (phaseS + 60) * 1000 + params.requestTimeoutMs;
}
