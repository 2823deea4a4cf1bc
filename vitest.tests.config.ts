import { defineConfig } from 'vitest/config';

// The framework's own tests. The root vitest.config.ts is the main stress job; keeping the
// two apart means `npx vitest run` never runs these by surprise.
//
// Two groups: everything else first, two files at a time; then the load engine's timing tests
// one file at a time on a quiet machine, because they assert on milliseconds (a 20 ms executor
// at 20–21 ms) that two cores shared with other test files cannot promise.
const timingTests = ['tests/load/**/*.test.ts'];
// The packed-install tests share one `npm pack` and two installs made by their project's
// global setup (tests/package/support/pack-global-setup.ts), which runs only when one of
// them is selected. They run last, on their own: each starts whole stress runs, and beside
// them the framework's tests with tight deadlines (a 150 ms answer within a 200 ms timeout)
// missed them on two cores.
const packageTests = ['tests/package/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The AWS SDK warns once per process that Node 20 support ends in 2027; known, and noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: { name: 'framework', include: ['tests/**/*.test.ts'], exclude: [...timingTests, ...packageTests], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'package',
          include: packageTests,
          globalSetup: ['tests/package/support/pack-global-setup.ts'],
          testTimeout: 180_000,
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: { name: 'timing', include: timingTests, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
