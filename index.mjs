// The package entry for Node: the sources are TypeScript, and Node 20 cannot import them
// unaided. tsx's loader is registered, then the public API is re-exported from src/index.ts.
import { register } from 'tsx/esm/api';

register();
const api = await import('./src/index.ts');

export const { jinaStress, StressError, isStressError, defineInput, defineCheck } = api;
