import { join } from 'node:path';
import type { GatewayTarget } from '../gateway/gateway-client.ts';
import { describeEnvironment, writeEnvironmentProperties } from '../report/environment-properties.ts';
import type { GatewayProbe } from './probe-gateway.ts';
import type { JobContext } from './job-context.ts';

/** Adds the job's daemon, gateway and the gateway's Jina versions to Allure's Environment panel. */
export async function recordEnvironment(job: JobContext, gateway: Omit<GatewayTarget, 'docarray'>, probe: GatewayProbe): Promise<void> {
  const { plan, runId, reportsDir } = job.run;
  const entries = describeEnvironment({
    configPath: plan.configPath,
    configHash: plan.configHash,
    runId,
    knownSecrets: job.run.knownSecrets,
    targets: [
      {
        job: job.job.name,
        daemon: job.daemon.baseUrl,
        gateway: `${gateway.protocol}://${gateway.host}:${gateway.port}`,
        ...(probe.status === 'answered' ? { gatewayInfo: probe.info } : {}),
      },
    ],
  });
  await writeEnvironmentProperties(join(reportsDir, 'allure-results'), entries);
}
