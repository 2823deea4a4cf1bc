/** Files of the small user projects the packed-install tests build. */

/** A short job against the embedded agent: index then query with a check, then the stats. */
export const SHORT_STRESS_YAML = `# yaml-language-server: $schema=./node_modules/jina-stress/schema/jina-stress.schema.json
jobs:
  packed:
    steps:
      - method: create_workspace
        files: [flows/search.yml]
      - method: start_flow
        file: flows/search.yml
      - method: index
        execution_time: 1
        num_clients: 2
        request_size: 10
        inputs: { method: random_texts, kwargs: { num_docs: 50 } }
      - method: query
        execution_time: 1
        num_clients: 2
        request_size: 5
        top_k: 3
        inputs: { method: random_texts, kwargs: { num_docs: 10 } }
        on_always: { method: validate_texts, kwargs: { top_k: 3 } }
        thresholds: { error_rate: 0 }
      - method: terminate_flow
      - method: delete_workspace
      - method: collect_stats
`;

export const SEARCH_FLOW_YML = `jtype: Flow
version: '1'
with:
  protocol: grpc
executors:
  - name: encoder
    uses: ReferenceEncoder
    uses_with: { dim: 32 }
  - name: indexer
    uses: ReferenceIndexer
`;

/** The README's vitest.config, as ESM (`.ts`, `.mts`, `.js` in an ESM package). */
export const ESM_VITEST_CONFIG = `import { defineConfig } from 'vitest/config';
import { jinaStress } from 'jina-stress';

export default defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })] });
`;

/** What a CommonJS project writes in vitest.config.js: require() of the ESM package. */
export const CJS_VITEST_CONFIG = `const { defineConfig } = require('vitest/config');
const { jinaStress } = require('jina-stress');

module.exports = defineConfig({ plugins: [jinaStress({ config: 'stress.yaml' })] });
`;

/** package.json of a project as `npm init -y` makes it, with or without "type": "module". */
export function packageJson(type: 'commonjs' | 'module'): string {
  return `${JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, ...(type === 'module' ? { type } : {}) }, null, 2)}\n`;
}
