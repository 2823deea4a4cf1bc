import { createAgent } from '../agent/create-agent.ts';
import { StressError } from '../errors.ts';
import { EXIT_CODES } from '../exit-codes.ts';
import { parseCommandLine } from './parse-command-line.ts';

const usage = `usage: jina-stress agent [options]

  --host HOST              interface to listen on (default 127.0.0.1; 0.0.0.0 for other machines)
  --port PORT              port (default 8000; 0 picks a free one)
  --workspace-root DIR     folder for workspaces (default: a fresh temp folder, removed on exit)
  --token TOKEN            require "Authorization: Bearer TOKEN" (prefer $JINA_STRESS_AGENT_TOKEN:
                           flags are visible to other users in "ps"); required to listen beyond
                           loopback; an empty token is an error
  --insecure-no-token      listen beyond loopback without a token (anyone reaching the port may use it)
  --runtimes LIST          runtimes requests may use, comma-separated (default: reference only;
                           "process" runs the uploaded executors: trusted clients only)
  --runtime NAME           default flow runtime (default: the first of --runtimes)
  --pass-env NAME          pass this variable of the agent's environment to every Flow, and let
                           requests set it (repeatable; NAME_PREFIX* matches a prefix)
  --allow-host NAME        without a token, also answer requests for this host name (repeatable)
  --advertise-host HOST    host reported as the flows' gateway address
  --jina-bin PATH          process runtime: the jina executable (default: next to $JINA_PYTHON, else PATH)
  --process-command CMD    process runtime command template with {file} ($JINA_STRESS_PROCESS_COMMAND)
  --timeout-ready MS       default wait for a flow's gateway (default 120000)`;

/** `jina-stress agent`: serves until SIGINT/SIGTERM, then stops every flow and exits 0. */
export async function agentCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      'workspace-root': { type: 'string' },
      token: { type: 'string' },
      'insecure-no-token': { type: 'boolean' },
      runtime: { type: 'string' },
      runtimes: { type: 'string' },
      'pass-env': { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'advertise-host': { type: 'string' },
      'jina-bin': { type: 'string' },
      'process-command': { type: 'string' },
      'timeout-ready': { type: 'string' },
    },
    usage,
  );
  if (parsed.status === 'exit') return parsed.code;
  const { values, positionals } = parsed;
  if (positionals.length > 0) {
    console.error(`unexpected argument ${JSON.stringify(positionals[0])}: the agent takes options only\n\n${usage}`);
    return EXIT_CODES.invalid;
  }
  const agent = createAgent({
    host: values.host,
    port: values.port === undefined ? undefined : toNumber('--port', values.port, 65535),
    workspaceRoot: values['workspace-root'],
    token: values.token,
    insecureNoToken: values['insecure-no-token'],
    runtime: values.runtime,
    runtimes: values.runtimes === undefined ? undefined : splitList(values.runtimes),
    passEnv: values['pass-env']?.flatMap(splitList),
    allowedHosts: values['allow-host']?.flatMap(splitList),
    advertiseHost: values['advertise-host'],
    jinaBin: values['jina-bin'],
    processCommand: values['process-command'],
    timeoutReadyMs: values['timeout-ready'] === undefined ? undefined : toNumber('--timeout-ready', values['timeout-ready']),
    log: (line) => console.log(`[agent] ${line}`),
  });
  let address;
  try {
    address = await agent.listen();
  } catch (error) {
    await agent.close();
    throw error;
  }
  console.log(`[agent] listening on ${address.url} (workspaces in ${agent.workspaceRoot})`);
  if (agent.runtimes.includes('process') && !agent.hasToken) {
    console.log('[agent] warning: the process runtime is on without a token: any local user can run code as this user');
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`[agent] ${signal}: stopping flows`);
  // A second signal means "now": exiting runs the exit hook that SIGKILLs every flow's group.
  const forceExit = () => process.exit(1);
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  await agent.close();
  console.log('[agent] stopped');
  return 0;
}

function splitList(raw: string): string[] {
  return raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function toNumber(flag: string, raw: string, max = Number.MAX_SAFE_INTEGER): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new StressError('CONFIG_INVALID', `${flag} ${JSON.stringify(raw)} is not a whole number from 0 to ${max}`);
  }
  return value;
}
