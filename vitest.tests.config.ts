import { defineConfig } from 'vitest/config';

// The framework's own tests. The root vitest.config.ts is the main stress job; keeping the
// two apart means `npx vitest run` never runs these by surprise.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Load tests measure time: two cores shared by many forks would distort them.
    maxWorkers: 2,
    pool: 'forks',
    // The AWS SDK warns once per process that Node 20 support ends in 2027; known, and noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
