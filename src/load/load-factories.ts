import type { Check, CheckContext } from '../checks/check.ts';
import type { NamedCall } from '../config/named-call.ts';
import { StressError } from '../errors.ts';
import type { GatewayClientFactory } from '../gateway/gateway-client.ts';
import type { InputContext, InputSource } from '../inputs/input-source.ts';
import { siblingModuleUrl } from '../sibling-module-url.ts';

/** How a shard builds its clients, inputs and checks. */
export interface LoadFactories {
  createClient: GatewayClientFactory;
  createInput(call: NamedCall, context: InputContext): Promise<InputSource>;
  createCheck(call: NamedCall, context: CheckContext): Promise<Check>;
}

/** The real tables (src/gateway, src/inputs, src/checks). */
export const defaultFactoriesModule = siblingModuleUrl('./default-load-factories.ts', import.meta.url);

/**
 * Loads `loadFactories` from a module. Worker threads cannot receive functions, so every
 * shard — in-process or not — gets its factories by module URL; that keeps the two paths
 * identical and lets tests substitute their own module.
 */
export async function importLoadFactories(moduleUrl: string): Promise<LoadFactories> {
  const loaded = (await import(moduleUrl)) as { loadFactories?: LoadFactories };
  if (!loaded.loadFactories) {
    throw new StressError('INTERNAL', `${moduleUrl} does not export loadFactories`, {
      hint: 'export const loadFactories = { createClient, createInput, createCheck } satisfies LoadFactories',
    });
  }
  return loaded.loadFactories;
}
