import type { GatewayAddress } from '../config/addresses.ts';
import type { LoadStepParams } from '../load/load-params.ts';
import { StressError } from '../errors.ts';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import type { JobContext } from './job-context.ts';

/** The seed's gateway defaults: localhost and JINA_GATEWAY_PORT_EXPOSE, else 23456. */
const SEED_GATEWAY_HOST = 'localhost';
const SEED_GATEWAY_PORT = 23456;

/**
 * Where a load step sends its requests, first match wins: the step's own
 * `gateway_host`/`gateway_port`, the job's `gateway:`, the running flow's gateway as the
 * daemon reported it (the port serving the step's protocol), then the seed's defaults.
 */
export function resolveGatewayTarget(job: JobContext, params: LoadStepParams): Omit<GatewayTarget, 'docarray'> {
  const explicit: GatewayAddress | undefined = params.gateway ?? job.gateway;
  if (explicit) return { host: explicit.host, port: explicit.port, protocol: params.client };
  const flow = job.flow?.gateway;
  if (flow) {
    const served = flow.ports.find((entry) => entry.protocol === params.client);
    if (!served) {
      throw new StressError('STEP_PREREQUISITE', `the running flow serves ${flow.ports.map((p) => `${p.protocol} on port ${p.port}`).join(', ')}, not ${params.client}`, {
        hint: `set client: ${flow.ports[0]?.protocol ?? 'grpc'} on the step, or give the Flow a ${params.client} gateway (with: {protocol: [...], port: [...]})`,
      });
    }
    return { host: connectableHost(flow.host, job.daemon.baseUrl), port: served.port, protocol: params.client };
  }
  const port = Number(process.env.JINA_GATEWAY_PORT_EXPOSE || SEED_GATEWAY_PORT);
  return { host: SEED_GATEWAY_HOST, port, protocol: params.client };
}

/** A gateway bound to every interface is reached at the daemon's own address. */
function connectableHost(host: string, daemonUrl: string): string {
  if (host !== '0.0.0.0' && host !== '::') return host;
  const daemonHost = new URL(daemonUrl).hostname.replace(/^\[|\]$/g, '');
  return daemonHost === 'localhost' ? '127.0.0.1' : daemonHost;
}
