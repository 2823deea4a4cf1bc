// The import boundaries of DESIGN.md ("Architecture"), checked by `npm run boundaries` and
// .ci/run. Type-only imports count: a boundary is about what a folder knows, not only about
// what runs. Each rule's comment says why; a new exception belongs in the rule, with its reason.

/** Paths of src/ folders a folder may import from: `^src/(a|b)/` plus single files. */
const within = (folders, files = []) => [`^src/(${folders.join('|')})/`, ...files.map((file) => `^src/${file.replace(/\./g, '\\.')}$`)];
// Leaf modules every folder may use: the error type and its exit codes, seeded randomness, and
// the URL of a sibling module (source .ts or compiled .js).
const shared = ['errors.ts', 'exit-codes.ts', 'seeded-random.ts', 'sibling-module-url.ts'];

/** One rule per folder: it may import only from itself and the folders listed (everything else in src/ is forbidden). */
const direction = (folder, allowed, comment, files = []) => ({
  name: `${folder}-imports`,
  comment: `src/${folder} ${comment}`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: within([folder, ...allowed], [...shared, ...files]) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules form no cycle, type-only imports included (a cycle makes load order and ownership unclear).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-config-parses-yaml',
      comment: 'Only src/config parses YAML (one loader, one variable syntax, problems with line and column).',
      severity: 'error',
      from: { path: '^(src|helpers)/', pathNot: '^src/config/' },
      to: { path: 'node_modules/js-yaml/' },
    },
    {
      name: 'vitest-and-allure-only-at-the-edges',
      comment: 'Only src/vitest, src/suites and src/report import Vitest or Allure; everything else is plain TypeScript, testable without a stress run.',
      severity: 'error',
      from: { path: '^(src|helpers)/', pathNot: '^(src/vitest|src/report|src/suites)/' },
      to: { path: 'node_modules/(vitest|@vitest|allure-vitest|allure-js-commons|@allurereport|allure)/' },
    },
    {
      name: 'config-sees-only-the-step-table',
      comment:
        'src/config reads step kinds through src/steps/step-table.ts (whose step files import only what validation needs; their run() loads the runtime lazily) and nothing else of src/steps.',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/steps/', pathNot: '^src/steps/step-table\\.ts$' },
    },
    {
      name: 'load-sees-the-gateway-interface',
      comment:
        'src/load drives clients through the GatewayClient interface; the one client table it names is in default-load-factories.ts (the module worker threads load), and the request template encoder is shared with the clients.',
      severity: 'error',
      from: { path: '^src/load/', pathNot: '^src/load/default-load-factories\\.ts$' },
      to: { path: '^src/gateway/', pathNot: '^src/gateway/(gateway-client|post-request-encoding)\\.ts$' },
    },
    direction('protocol', [], 'is the wire format: it imports nothing else of src.'),
    direction('gateway', ['protocol'], 'speaks the protocol to a Flow gateway.'),
    direction('config', ['protocol', 'steps'], 'turns YAML into a Plan; it knows the protocol names (gateway/protocol-names.ts) and the GatewayProtocol type, nothing else of the gateway.', [
      'gateway/gateway-client.ts',
      'gateway/protocol-names.ts',
    ]),
    direction('kwargs', ['protocol'], 'is the kwargs vocabulary of inputs and checks.', ['config/did-you-mean.ts']),
    direction('inputs', ['protocol', 'kwargs', 'config'], 'makes documents; it reads the NamedCall it is called with from config.'),
    direction('checks', ['protocol', 'kwargs', 'config', 'inputs'], 'judges responses; it shares the helper-module loader of inputs.'),
    direction(
      'load',
      ['gateway', 'inputs', 'checks', 'protocol', 'config'],
      'is the load engine; report/ renders its results, never the other way. Its host metrics keep the process identity the agent sends (daemon/agent-metrics.ts, the wire module), one type for both.',
      ['tsx-api-url.ts', 'daemon/agent-metrics.ts'],
    ),
    direction('report', ['load', 'config', 'gateway', 'protocol'], 'renders results: it reads the load engine\'s types and the Plan.'),
    direction('sinks', ['report', 'load'], 'ships finished artifacts.'),
    direction('daemon', ['gateway', 'config', 'protocol'], 'is the REST client of the agent.'),
    direction('reference-runtime', ['gateway', 'protocol', 'config'], 'serves Flows; it reads Flow YAML through config.'),
    direction('agent', ['reference-runtime', 'gateway', 'protocol', 'config', 'daemon'], 'is the daemon: workspaces, Flows and their runtimes.'),
    direction('capacity', ['load'], 'is the capacity search of find_capacity: it drives the load engine through a phase function and judges its results.'),
    direction('steps', ['config', 'daemon', 'gateway', 'load', 'inputs', 'checks', 'kwargs', 'report', 'sinks', 'protocol', 'capacity'], 'runs step kinds.'),
    direction('cli', ['config', 'agent', 'steps', 'report'], 'is the command line: init, validate, report and agent.'),
    direction('vitest', ['config', 'steps', 'report', 'daemon', 'agent', 'sinks', 'load', 'gateway'], 'is the Vitest plugin, the suite builder and its reporters.', ['tsx-api-url.ts']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see the header).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
