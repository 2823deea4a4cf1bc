import { existingPath } from '../config-paths.ts';
import { environment, seconds, text } from '../field-schemas.ts';
import { findDefaultInstancesFile } from '../instances-file.ts';
import { defineStepSchema } from '../step-schema.ts';
import { checkTemplates } from './workspace-step.ts';

const DEFAULT_TIMEOUT_READY_S = 120;

export const startFlowStep = defineStepSchema({
  kind: 'start_flow',
  description: "Start a Flow from a YAML file in the job's workspace and wait until its gateway answers.",
  shape: (context) => ({
    file: existingPath(context, 'file', 'The Flow YAML, rendered with {{ VAR }} before it is sent.'),
    environment: environment('Values for {{ VAR }} in the Flow YAML.').default({}),
    runtime: text('Agent runtime for the Flow: `reference` (no Python) or `process` (real Jina).').optional(),
    timeout_ready: seconds(`Seconds to wait for the gateway to answer (default ${DEFAULT_TIMEOUT_READY_S}).`).default(DEFAULT_TIMEOUT_READY_S),
    instances: existingPath(context, 'file', 'instances.yaml for the template (default: next to the config, if any).').optional(),
  }),
  toParams: (input, report, context) => {
    const instancesFile = input.instances ?? findDefaultInstancesFile(context);
    checkTemplates([{ file: input.file, at: ['file'] }], input.environment, instancesFile, report);
    return {
      file: input.file,
      environment: input.environment,
      ...(input.runtime ? { runtime: input.runtime } : {}),
      timeoutReadyS: input.timeout_ready,
      ...(instancesFile ? { instancesFile } : {}),
    };
  },
});
