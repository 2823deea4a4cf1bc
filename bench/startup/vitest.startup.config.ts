import { defineConfig } from 'vitest/config';
import { jinaStress } from '../../src/vitest/jina-stress.ts';

// The project's vitest.config.ts (warnUnrunTests: false included: the unrun-test scan is not
// part of a user's start-up) with one difference: reports go where startup-time.ts says
// (a temporary folder), so measuring never overwrites the project's reports/.
export default defineConfig({
  root: new URL('../..', import.meta.url).pathname,
  plugins: [jinaStress({ config: 'configs/local.yaml', warnUnrunTests: false, reportsDir: process.env.STARTUP_REPORTS_DIR ?? 'reports' })],
});
