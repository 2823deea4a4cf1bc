import { readFileSync } from 'node:fs';
import { isStressError } from '../errors.ts';
import { EXIT_CODES, exitCodeOf } from '../exit-codes.ts';

/** A subcommand: parses its own argv, returns the process exit code. */
export type Command = {
  summary: string;
  run: (argv: string[]) => Promise<number>;
};

// Loaded lazily so `validate` never pulls in the agent's server stack and vice versa.
const commands = {
  init: {
    summary: 'write a starter stress.yaml, Flow and vitest.config.ts (never overwrites)',
    run: async (argv) => (await import('./init-command.ts')).initCommand(argv),
  },
  validate: {
    summary: 'validate configs: every problem at once, nothing contacted (--json for machines)',
    run: async (argv) => (await import('./validate-command.ts')).validateCommand(argv),
  },
  report: {
    summary: 'the offline Allure HTML report from a run\'s results (--single-file for one file)',
    run: async (argv) => (await import('./report-command.ts')).reportCommand(argv),
  },
  merge: {
    summary: 'merge the blob reports of several generators into one result (vitest --merge-reports)',
    run: async (argv) => (await import('./merge-command.ts')).mergeCommand(argv),
  },
  agent: {
    summary: 'run the JinaD-compatible agent (workspaces, flows) on a machine under test',
    run: async (argv) => (await import('./agent-command.ts')).agentCommand(argv),
  },
} satisfies Record<string, Command>;

export function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return [
    'usage: jina-stress <command> [options]      (jina-stress <command> --help for its options)',
    '',
    'commands:',
    ...lines,
    '',
    'examples:',
    '  npx jina-stress init                          # a starter project in this folder',
    '  npx jina-stress validate stress.yaml --json   # problems as JSON, for CI or editors',
    '  npx vitest run                                # run the stress config (jinaStress() plugin)',
    '  npx jina-stress report --single-file          # reports/allure-results -> one HTML file',
    '  npx jina-stress merge blobs-1 blobs-2 blobs-3  # one result from several generators',
    '  npx jina-stress agent --host 0.0.0.0 --port 8000   # a daemon on a machine under test',
    '',
    'exit codes: 0 ok, 1 a step, threshold or check failed (or the tool failed),',
    '            2 invalid config or usage',
    '',
    '  -v, --version   print the version',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    console.log(packageVersion());
    return EXIT_CODES.ok;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return EXIT_CODES.ok;
  }
  if (!name) {
    console.error(usage());
    return EXIT_CODES.invalid;
  }
  const command = (commands as Record<string, Command>)[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return EXIT_CODES.invalid;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    console.error(isStressError(error) ? error.format() : error);
    return isStressError(error) ? exitCodeOf(error.code) : EXIT_CODES.failed;
  }
}
