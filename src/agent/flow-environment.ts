import { variableNames } from '../config/flow-yaml-variables.ts';
import { agentHttpError } from './agent-http-error.ts';

/**
 * Variables a request may never set, whatever else allows them: they decide which code a
 * program loads or runs (the dynamic loader's LD_PRELOAD, Python's PYTHONSTARTUP, Node's
 * NODE_OPTIONS, Bash's BASH_ENV), where it looks for programs, libraries, certificates and
 * its home, or how it reaches the network. An agent whose Flows need one gets it from its
 * own environment with `--pass-env NAME`.
 */
const reservedPrefixes = [
  'LD_', 'DYLD_', 'PYTHON', 'NODE_', 'NPM_', 'PERL', 'RUBY', 'JAVA_', '_JAVA_', 'JDK_', 'GCONV_', 'GLIBC_',
  'MALLOC_', 'BASH_', 'SSL_', 'OPENSSL_', 'GIT_', 'LC_', 'XDG_', 'PIP_', 'CONDA', 'VIRTUAL_ENV', 'GRPC_',
] as const;
const reservedNames = new Set([
  'PATH', 'HOME', 'SHELL', 'ENV', 'IFS', 'PS4', 'SHELLOPTS', 'TMPDIR', 'TMP', 'TEMP', 'USER', 'LOGNAME', 'LANG',
  'LANGUAGE', 'TZ', 'TERM', 'LOCPATH', 'NLSPATH', 'HOSTALIASES', 'RES_OPTIONS', 'LOCALDOMAIN', 'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'FTP_PROXY', 'EDITOR', 'PAGER',
  'BROWSER', 'DISPLAY', 'CDPATH',
  // The agent's own secret is nobody's business, even if a Flow names it.
  'JINA_STRESS_AGENT_TOKEN',
]);

/** What the process runtime gives every Flow from the agent's environment: what a program needs to start. */
const systemNames = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'] as const;

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isReservedVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return reservedNames.has(upper) || reservedPrefixes.some((prefix) => upper.startsWith(prefix));
}

/** `NAME` or `PREFIX*` patterns (`--pass-env`). */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => (pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern));
}

export interface FlowEnvironment {
  /** What the Flow sees: the agent's passed variables, then the request's allowed ones. */
  environment: Record<string, string>;
  /** Request names not passed (neither `JINA_*`, nor written in the Flow file, nor passed by the agent). */
  notPassed: string[];
}

/**
 * The environment a Flow runs with, built from an allow-list. A request's `environment` entry
 * reaches the Flow when its name starts with `JINA_`, is written as a variable in the Flow
 * file itself (`${{ ENV.NAME }}`, `${NAME}`, `$NAME`), or matches `--pass-env`; and is never
 * a reserved name (see above: those are refused with 422, naming the variable). Other names
 * are left out and listed. From the agent's own environment a Flow gets only what `--pass-env`
 * names: never its secrets, never its settings.
 */
export function buildFlowEnvironment(
  requested: Readonly<Record<string, string>>,
  flowYaml: string,
  passEnv: readonly string[],
  agentEnv: NodeJS.ProcessEnv = process.env,
): FlowEnvironment {
  const refused = Object.keys(requested).filter((name) => !variableName.test(name) || isReservedVariable(name));
  if (refused.length > 0) {
    throw agentHttpError(422, `environment ${refused.map((name) => JSON.stringify(name)).join(', ')} cannot be set by a request: ${refused.length === 1 ? 'it decides' : 'they decide'} what code runs or where programs look for it`, {
      hint: 'set it on the agent\'s host and start the agent with --pass-env NAME, or drop it from the step\'s environment',
    });
  }
  const written = variableNames(flowYaml);
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(agentEnv)) {
    if (value !== undefined && matchesAny(name, passEnv) && name !== 'JINA_STRESS_AGENT_TOKEN') environment[name] = value;
  }
  const notPassed: string[] = [];
  for (const [name, value] of Object.entries(requested)) {
    if (name.startsWith('JINA_') || written.has(name) || matchesAny(name, passEnv)) environment[name] = value;
    else notPassed.push(name);
  }
  return { environment, notPassed };
}

/**
 * The whole environment of a `process` Flow: the few system variables a program needs to
 * start, from the agent's environment, then the Flow's own (see buildFlowEnvironment).
 */
export function processEnvironment(flowEnvironment: Readonly<Record<string, string>>, agentEnv: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of systemNames) {
    const value = agentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(agentEnv)) if (name.startsWith('LC_') && value !== undefined) env[name] = value;
  return { ...env, ...flowEnvironment };
}
