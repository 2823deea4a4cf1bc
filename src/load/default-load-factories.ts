import { createCheck } from '../checks/create-check';
import { createGatewayClient } from '../gateway/gateway-clients';
import { createInput } from '../inputs/create-input';
import type { LoadFactories } from './load-factories';

/** The real tables: what every shard uses unless a run names another module. */
export const loadFactories = {
  createClient: createGatewayClient,
  createInput,
  createCheck,
} satisfies LoadFactories;
