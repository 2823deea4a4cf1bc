import { createGatewayClient } from '../../../src/gateway/gateway-clients';
import { createInput } from '../../../src/inputs/create-input';
import type { LoadFactories } from '../../../src/load/load-factories';

/** The real clients and inputs; no checks yet (src/checks has no table so far). */
export const loadFactories = {
  createClient: createGatewayClient,
  createInput,
  async createCheck() {
    return () => [];
  },
} satisfies LoadFactories;
