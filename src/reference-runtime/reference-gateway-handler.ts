import { STATUS_ERROR, STATUS_SUCCESS, type Status } from '../protocol/data-request.ts';
import { ExecutorUnavailableError, type GatewayHandler } from './gateway/gateway-handler.ts';
import type { ReferenceFlow } from './reference-flow.ts';

/** The reference Flow behind the wire servers of `gateway/`. */
export function createReferenceGatewayHandler(flow: ReferenceFlow): GatewayHandler {
  return {
    async process(request) {
      const outcome = await flow.process(request);
      if (outcome.status === 'unavailable') throw new ExecutorUnavailableError(outcome.deployment, outcome.message);
      return outcome.response;
    },
    async dryRun(): Promise<Status> {
      const verdict = flow.dryRun();
      if (verdict.status === 'ready') return { code: STATUS_SUCCESS, description: '' };
      return {
        code: STATUS_ERROR,
        description: verdict.reason,
        exception: { name: 'InternalNetworkError', args: [verdict.reason], stacks: [], executor: '' },
      };
    },
    info: () => flow.info(),
    endpoints: () => flow.endpoints(),
  };
}
