import { isStressError } from '../errors.ts';

/** A subcommand: parses its own argv, returns the process exit code. */
export type Command = {
  summary: string;
  run: (argv: string[]) => Promise<number>;
};

// Loaded lazily so `validate` never pulls in the agent's server stack and vice versa.
const commands = {
  validate: {
    summary: 'validate a config: every problem at once, nothing contacted',
    run: async (argv) => (await import('./validate-command.ts')).validateCommand(argv),
  },
  agent: {
    summary: 'run the JinaD-compatible agent (workspaces, flows)',
    run: async (argv) => (await import('./agent-command.ts')).agentCommand(argv),
  },
} satisfies Record<string, Command>;

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: jina-stress <command> [options]', '', 'commands:', ...lines].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const command = (commands as Record<string, Command>)[name];
  if (!command) {
    console.error(`unknown command "${name}"\n\n${usage()}`);
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    console.error(isStressError(error) ? error.format() : error);
    return 1;
  }
}
