import { basename } from 'node:path';
import { existingPath } from '../config/config-paths.ts';
import { environment, seconds, text } from '../config/field-schemas.ts';
import { findDefaultInstancesFile } from '../config/instances-file.ts';
import { StressError } from '../errors.ts';
import { defineStep } from './define-step.ts';
import { prepareFlowUpload } from './upload-files.ts';
import { checkTemplates } from './workspace-keys.ts';

const DEFAULT_TIMEOUT_READY_S = 120;

export interface StartFlowParams {
  file: string;
  environment: Record<string, string>;
  /** Runtime the agent should use: `reference` (no Python) or `process` (real Jina). */
  runtime?: string;
  /** Seconds to wait for the Flow's gateway to answer. */
  timeoutReadyS: number;
  /** Absolute path of instances.yaml for rendering `file`, as for workspace files. */
  instancesFile?: string;
  /**
   * What `file` renders with: the environment of the latest workspace step of the job that
   * uploaded a file of this name (the seed's rendered copy), this step's `environment` on top.
   */
  templateEnvironment?: Record<string, string>;
  strictTemplates?: boolean;
}

export const startFlow = defineStep({
  kind: 'start_flow',
  description: "Start a Flow from a YAML file in the job's workspace and wait until its gateway answers.",
  schema: (context) => ({
    file: existingPath(context, 'file', 'The Flow YAML, rendered with {{ VAR }} before it is sent.'),
    environment: environment('Values for {{ VAR }} in the Flow YAML.').default({}),
    runtime: text('Agent runtime for the Flow: `reference` (no Python) or `process` (real Jina).').optional(),
    timeout_ready: seconds(`Seconds to wait for the gateway to answer (default ${DEFAULT_TIMEOUT_READY_S}).`).default(DEFAULT_TIMEOUT_READY_S),
    instances: existingPath(context, 'file', 'instances.yaml for the template (default: next to the config, if any).').optional(),
  }),
  toParams: (input, report, context): StartFlowParams => {
    const instancesFile = input.instances ?? findDefaultInstancesFile(context);
    return {
      file: input.file,
      environment: input.environment,
      ...(input.runtime ? { runtime: input.runtime } : {}),
      timeoutReadyS: input.timeout_ready,
      ...(instancesFile ? { instancesFile } : {}),
    };
  },
  inJob: (params, job) => {
    const uploaded = job.templates.uploaded.get(basename(params.file));
    const templateEnvironment = { ...uploaded?.environment, ...params.environment };
    const instancesFile = params.instancesFile ?? uploaded?.instancesFile;
    const couldSet = [...(uploaded ? [`the environment of steps[${uploaded.stepIndex}] (${uploaded.kind}, which uploaded ${basename(params.file)})`] : []), "this step's environment"];
    checkTemplates([{ file: params.file, at: ['file'] }], templateEnvironment, instancesFile, job, { couldSet });
    return {
      ...params,
      templateEnvironment,
      ...(instancesFile ? { instancesFile } : {}),
      ...(job.templates.strict ? { strictTemplates: true } : {}),
    };
  },
  needs: ['workspace'],
  creates: 'flow',
  role: 'setup',
  parameters: (params) => [{ name: 'file', value: basename(params.file) }],
  // Executors placed on other hosts may take timeout_ready, then the gateway as long again.
  timeoutMs: (params) => params.timeoutReadyS * 2000 + 30_000,
  async run(context, params) {
    const { job } = context;
    if (!job.workspaceId) {
      throw new StressError('STEP_PREREQUISITE', 'start_flow: this job has no workspace', {
        hint: 'add a create_workspace step before it (the Flow runs in the workspace folder)',
      });
    }
    const flowFile = await prepareFlowUpload(job, context.step.name, {
      file: params.file,
      environment: params.templateEnvironment ?? params.environment,
      ...(params.instancesFile ? { instancesFile: params.instancesFile } : {}),
      ...(params.strictTemplates ? { strict: true } : {}),
    });
    const startedAt = performance.now();
    // Executors placed on other hosts first: the gateway's Flow connects to them as external.
    const { startPlacedExecutors } = await import('./start-placed-executors.ts');
    const placed = await startPlacedExecutors(
      job,
      {
        renderedFile: flowFile.path,
        originalFile: params.file,
        templateEnvironment: params.templateEnvironment ?? params.environment,
        ...(params.instancesFile ? { instancesFile: params.instancesFile } : {}),
        ...(params.runtime ? { runtime: params.runtime } : {}),
        environment: params.environment,
        timeoutReadyS: params.timeoutReadyS,
      },
      (line) => context.log(line),
    );
    const flowId = await job.daemon.startFlow(flowFile, job.workspaceId, {
      environment: params.environment,
      timeoutReadyS: params.timeoutReadyS,
      ...(params.runtime ? { runtime: params.runtime } : {}),
    });
    job.created.flows.add(flowId);
    const info = await job.daemon.getFlow(flowId);
    // With placed executors the Flow was ready when its gateway was, after them: the whole span.
    const gatewayReadyS = info.timeToReadyS ?? (performance.now() - startedAt) / 1000;
    const timeToReadyS = placed.length > 0 ? (performance.now() - startedAt) / 1000 : gatewayReadyS;
    job.flow = { id: flowId, ...(info.gateway ? { gateway: info.gateway } : {}), timeToReadyS, ...(placed.length > 0 ? { placed } : {}) };
    const where = info.gateway
      ? info.gateway.ports.map((p) => `${p.protocol}://${info.gateway?.host}:${p.port}`).join(', ')
      : 'gateway address unknown';
    const executors = placed.length > 0 ? ` (gateway ${gatewayReadyS.toFixed(2)}s after ${placed.map((p) => `${p.name}@${p.host}`).join(', ')})` : '';
    context.log(`flow ${flowId} (${info.runtime}) ready in ${timeToReadyS.toFixed(2)}s at ${where}${executors}`);
    const readiness = JSON.stringify({ flowId, timeToReadyS, gateway: info.gateway, ...(placed.length > 0 ? { gatewayReadyS, executors: placed } : {}) }, null, 2);
    return { artifacts: [{ name: 'time-to-ready', contentType: 'application/json', body: readiness }] };
  },
});
