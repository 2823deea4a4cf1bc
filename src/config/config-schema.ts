import { z } from 'zod';
import type { PathContext } from './config-paths.ts';
import { port, text } from './field-schemas.ts';
import type { DaemonAddress, GatewayAddress } from './addresses.ts';
import { hostsSchema } from './job-hosts.ts';
import { clientSchema, DEFAULT_GATEWAY_HOST, DEFAULT_GATEWAY_PORT, toGatewayProtocol } from './gateway-keys.ts';
import { STEP_KINDS, stepSchemaOf } from './step-kinds.ts';
import { buildStepSchema } from './step-schema.ts';
import type { ParsedStep } from './step-schema.ts';

export const DEFAULT_DAEMON_PORT = 8000;

/** One step of any kind, chosen by its `method`. */
export function buildStepUnion(context: PathContext): z.ZodType<ParsedStep> {
  const options = STEP_KINDS.map((kind) => buildStepSchema(stepSchemaOf(kind), context));
  // The kinds come from a table, so TypeScript cannot see the tuple discriminatedUnion wants.
  return z.discriminatedUnion('method', options as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<ParsedStep>;
}

const gatewaySchema = z
  .strictObject(
    {
      host: text(`Gateway host (default ${DEFAULT_GATEWAY_HOST}).`).default(DEFAULT_GATEWAY_HOST),
      port: port(`Gateway port (default ${DEFAULT_GATEWAY_PORT}).`).default(DEFAULT_GATEWAY_PORT),
      protocol: clientSchema.optional(),
    },
    { error: 'expected a mapping with host, port (and optional protocol)' },
  )
  .transform((g): GatewayAddress => ({ host: g.host, port: g.port, protocol: g.protocol && toGatewayProtocol(g.protocol) }))
  .describe("A running Flow gateway to send load to; when set, load steps need no start_flow.");

const daemonSchema = z
  .strictObject(
    {
      host: text('Daemon (agent / JinaD) host (default localhost).').default('localhost'),
      port: port(`Daemon port (default ${DEFAULT_DAEMON_PORT}).`).default(DEFAULT_DAEMON_PORT),
      token: text('Bearer token; write it as ${ENV_VAR}, never literally.').optional(),
    },
    { error: 'expected a mapping with host, port (and optional token)' },
  )
  .transform((d): DaemonAddress => ({ host: d.host, port: d.port, token: d.token }))
  .describe('The daemon that holds workspaces and Flows. Absent: the embedded agent on loopback.');

export function buildJobSchema(context: PathContext) {
  return z
    .strictObject(
      {
        steps: z
          .array(buildStepUnion(context), { error: 'expected a list of steps' })
          .min(1, { error: 'a job needs at least one step' })
          .describe('The steps of the job, run in order.'),
        daemon: daemonSchema.optional(),
        gateway: gatewaySchema.optional(),
        hosts: hostsSchema.optional(),
      },
      { error: 'expected a job: a mapping with `steps`' },
    )
    .describe('A job: a Vitest describe block whose steps are its tests.');
}

/**
 * Top-level keys starting with `x-` hold YAML anchors for reuse (`x-load: &load {...}` then
 * `<<: *load`), as in docker-compose; they are not part of the config itself.
 */
export const EXTENSION_KEY_PATTERN = '^x-';

export function withoutExtensionKeys(data: unknown): unknown {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => !new RegExp(EXTENSION_KEY_PATTERN).test(key)));
}

/** The whole config. The same schema validates configs and generates the JSON Schema. */
export function buildConfigSchema(context: PathContext) {
  return z
    .strictObject(
      {
        jobs: z
          .record(text('Job name (the describe block name).'), buildJobSchema(context), { error: 'expected a mapping of job name to job' })
          .refine((jobs) => Object.keys(jobs).length > 0, { error: 'expected at least one job' })
          .describe('Jobs by name; each is a describe block of steps.'),
        strict_templates: z
          .boolean({ error: 'expected true or false' })
          .optional()
          .describe('A {{ VAR }} without a value is an error (default: it renders empty, as in the seed, with a warning).'),
      },
      { error: 'expected a mapping with `jobs`' },
    )
    .describe('A jina-stress config: jobs of steps against Jina Flows.');
}

export type ConfigOutput = z.output<ReturnType<typeof buildConfigSchema>>;
