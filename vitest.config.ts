import { defineConfig } from 'vitest/config';
import { jinaStress } from './src/vitest/jina-stress.ts';

// The main job: `npx vitest run` runs the stress config (STRESS_CONFIG, default
// configs/local.yaml). The framework's own tests use vitest.tests.config.ts (`npm test`).
export default defineConfig({
  // The framework's tests have their own config, so the plugin need not point them out.
  plugins: [jinaStress({ config: 'configs/local.yaml', warnUnrunTests: false })],
});
