import { resolve } from 'node:path';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import { discoverEndpointSchemas } from '../gateway/endpoint-schemas.ts';
import type { EndpointSchemas } from '../protocol/endpoint-schema.ts';
import type { LoadStepParams } from '../load/load-params.ts';
import type { RunLoadOptions } from '../load/run-load.ts';
import { chooseDocarray, probeGateway } from './probe-gateway.ts';
import { recordEnvironment } from './record-environment.ts';
import { resolveGatewayTarget } from './resolve-gateway-target.ts';
import type { StepContext } from './step-context.ts';

/** Where a load step's requests go, and what every phase of it runs with. */
export interface LoadTarget {
  target: GatewayTarget;
  endpointSchemas: EndpointSchemas;
  /** The runLoad options every phase of the step shares (job, step, where inputs and helpers live, the Flow's facts). */
  phase: Pick<RunLoadOptions, 'target' | 'job' | 'step' | 'context' | 'timeToReadyS' | 'executorHosts'>;
}

/**
 * Finds the gateway as `index`, `query` and `find_capacity` do: resolve its address, probe it,
 * choose the docarray format, record the environment for the report, and read the endpoints'
 * document schemas (docarray v2: for matches_schema, schema_documents and the report).
 */
export async function findLoadTarget(context: StepContext, params: LoadStepParams): Promise<LoadTarget> {
  const { job } = context;
  const address = resolveGatewayTarget(job, params);
  const probe = await probeGateway(address);
  const { docarray, note } = chooseDocarray(params.docarray, probe);
  context.log(note);
  await recordEnvironment(job, address, probe);
  const target = { ...address, docarray };
  const endpointSchemas = await discoverEndpointSchemas(target);
  if (docarray === 'v2') context.log(endpointSchemas.status === 'found' ? `endpoint schemas from ${endpointSchemas.source}: ${Object.keys(endpointSchemas.endpoints).join(', ')}` : `no endpoint schemas: ${endpointSchemas.reason}`);
  return {
    target,
    endpointSchemas,
    phase: {
      target,
      job: job.job.name,
      step: context.step.name,
      context: { baseDir: job.run.plan.configDir, helpersDir: resolve(process.cwd(), 'helpers'), endpointSchemas },
      ...(job.flow ? { timeToReadyS: job.flow.timeToReadyS } : {}),
      ...(job.flow?.placed ? { executorHosts: Object.fromEntries(job.flow.placed.map((executor) => [executor.name, executor.host])) } : {}),
    },
  };
}
