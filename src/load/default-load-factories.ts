import { createCheck } from '../checks/create-check.ts';
import { createGatewayClient } from '../gateway/gateway-clients.ts';
import { createInput } from '../inputs/create-input.ts';
import type { LoadFactories } from './load-factories.ts';

/** The real tables: what every shard uses unless a run names another module. */
export const loadFactories = {
  createClient: createGatewayClient,
  createInput,
  createCheck,
} satisfies LoadFactories;
