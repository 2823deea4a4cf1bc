/** Where editors find the JSON Schema, relative to a config at the project root. */
export const INSTALLED_SCHEMA_PATH = './node_modules/jina-stress/schema/jina-stress.schema.json';

/** The YAML language server's modeline: completion and checks in editors that use it. */
export function schemaModeline(schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}`;
}

/**
 * What `jina-stress init` writes, by path relative to the project: a config whose one job
 * indexes and queries a Flow on the embedded agent's reference runtime (no Python, no
 * servers), that Flow, and the Vitest config with the plugin.
 */
export const STARTER_FILES: Readonly<Record<string, string>> = {
  'stress.yaml': `${schemaModeline(INSTALLED_SCHEMA_PATH)}
#
# A jina-stress config: each job is a Vitest describe, each step a test. With no daemon
# configured, \`npx vitest run\` starts the embedded agent, whose reference runtime serves the
# Flow below with simulated executors. Point a job at your own JinaD-style daemon with
#   daemon: { host: 10.0.0.5, port: 8000, token: "\${AGENT_TOKEN}" }
# and use runtime: process on start_flow for real Jina. \`npx jina-stress validate stress.yaml\`
# checks this file without contacting anything.
jobs:
  starter:
    steps:
      - method: create_workspace
        files: [flows/search.yml]
      - method: start_flow
        file: flows/search.yml
      - method: index
        execution_time: 5
        num_clients: 2
        request_size: 10
        inputs: { method: random_texts, kwargs: { num_docs: 100 } }
        thresholds: { error_rate: 0 }
      - method: query
        execution_time: 5
        num_clients: 2
        request_size: 5
        top_k: 3
        inputs: { method: random_texts, kwargs: { num_docs: 20, seed: 7 } }
        on_always: { method: validate_texts, kwargs: { top_k: 3 } }
        thresholds: { error_rate: 0, p99_ms: 1000 }
      - method: terminate_flow
      - method: delete_workspace
      - method: collect_stats
`,
  'flows/search.yml': `# A Jina Flow (jtype: Flow). On the embedded agent's reference runtime the executors are
# simulated: ReferenceEncoder hashes text into vectors, ReferenceIndexer stores them on
# /index and answers /search with cosine top-k matches. For real Jina, name your executors
# here and start the Flow with runtime: process.
jtype: Flow
version: '1'
with:
  protocol: grpc
executors:
  - name: encoder
    uses: ReferenceEncoder
    uses_with: { dim: 64 }
  - name: indexer
    uses: ReferenceIndexer
`,
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';
import { jinaStress } from 'jina-stress';

// \`npx vitest run\` runs stress.yaml; reports go to reports/. Beside your own unit tests, give
// the plugin its own project: test: { projects: [{ test: { name: 'unit' } }, { plugins: [jinaStress()], test: { name: 'stress' } }] }
export default defineConfig({
  plugins: [jinaStress({ config: 'stress.yaml' })],
});
`,
};

/** Vitest config files init will not write beside. */
export const VITEST_CONFIG_NAMES = ['vitest.config.ts', 'vitest.config.mts', 'vitest.config.cts', 'vitest.config.js', 'vitest.config.mjs', 'vitest.config.cjs'];
