import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StressError } from '../errors.ts';
import { defaultFlowRuntime } from './flow-runtimes.ts';

/** Upload limits, in bytes and parts; a request past any of them gets 413. */
export interface UploadLimits {
  fileBytes: number;
  totalBytes: number;
  files: number;
}

export interface AgentOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Default 8000; 0 picks a free port (see `listen()`'s result). */
  port?: number;
  /** Folder holding one folder per workspace. Default: a fresh folder in the OS temp dir, removed on close. */
  workspaceRoot?: string;
  /**
   * Bearer token every request must carry. Default `$JINA_STRESS_AGENT_TOKEN`. Without one the
   * agent listens on loopback only and accepts form posts only with `X-Jina-Stress` (see
   * cross-site-guard). An empty token is an error, never "no token".
   */
  token?: string;
  /** Listen on a non-loopback address without a token (anyone who reaches the port can use the agent). */
  insecureNoToken?: boolean;
  /** Runtime used when `POST /flows` names none (default: the first of `runtimes`). */
  runtime?: string;
  /**
   * Runtimes a request may use (default: `runtime`, else `reference` only). `process` runs the
   * Flow's executors, i.e. code the client uploaded: enable it only for clients you trust.
   */
  runtimes?: string[];
  /**
   * Variables of the agent's own environment passed to every Flow, and names a request's
   * `environment` may set besides the default rule (see flow-environment). `PREFIX*` matches
   * by prefix.
   */
  passEnv?: string[];
  /** Host names (the HTTP Host header) accepted besides loopback and IP addresses when there is no token. */
  allowedHosts?: string[];
  /** Host reported in `GET /flows/{id}` (default: the listen host, or the host the client used when listening on all interfaces). */
  advertiseHost?: string;
  /** `process` runtime command, `{file}` replaced by the Flow file (default `$JINA_STRESS_PROCESS_COMMAND` or `jina flow --uses {file}`). */
  processCommand?: string | string[];
  /**
   * `process` runtime: the `jina` executable of the Python environment to run Flows with.
   * Default: the `jina` beside `$JINA_PYTHON` (a venv's `bin/python`, or its `bin` folder),
   * else `jina` on PATH. The Python environment belongs to the host, like JinaD's install.
   */
  jinaBin?: string;
  /** Time a flow gets to exit after SIGTERM before its process group gets SIGKILL (default 5000). */
  stopGraceMs?: number;
  /** How long `POST /flows` waits for the gateway when the request names no `timeout_ready` (default 120000). */
  timeoutReadyMs?: number;
  limits?: Partial<UploadLimits>;
  /** Receives one line per lifecycle event (never headers, never the token). */
  log?: (line: string) => void;
}

export interface ResolvedAgentOptions {
  host: string;
  port: number;
  workspaceRoot: string;
  /** True when the agent made the root itself and so removes it on close. */
  isOwnWorkspaceRoot: boolean;
  token: string | undefined;
  insecureNoToken: boolean;
  /** The default runtime, one of `runtimes`. */
  runtime: string;
  runtimes: string[];
  passEnv: string[];
  allowedHosts: string[];
  advertiseHost: string | undefined;
  processCommand: string[];
  /** Folder put first on the Flow's PATH: the Python environment's `bin` (when known). */
  processPathPrefix: string | undefined;
  stopGraceMs: number;
  timeoutReadyMs: number;
  limits: UploadLimits;
  log: (line: string) => void;
}

export const defaultUploadLimits: UploadLimits = {
  fileBytes: 64 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
  files: 1000,
};

/**
 * Fills defaults from the options, then the environment. Throws CONFIG_INVALID for settings
 * that would open the agent by accident: an empty token, a default runtime that is not
 * allowed, a non-loopback address without a token.
 */
export function resolveAgentOptions(options: AgentOptions, env: NodeJS.ProcessEnv = process.env): ResolvedAgentOptions {
  const host = options.host ?? '127.0.0.1';
  const token = resolveToken(options, env);
  const runtimes = [...new Set(options.runtimes ?? [options.runtime ?? defaultFlowRuntime])];
  const runtime = options.runtime ?? (runtimes[0] as string);
  if (runtimes.length === 0) throw optionError('the agent needs at least one runtime', 'e.g. --runtimes reference');
  if (!runtimes.includes(runtime)) {
    throw optionError(`the default runtime "${runtime}" is not among the allowed runtimes (${runtimes.join(', ')})`, `add it: --runtimes ${[...runtimes, runtime].join(',')}`);
  }
  if (token === undefined && !isLoopback(host) && !options.insecureNoToken) {
    throw optionError(
      `listening on ${host} without a token would let anyone who reaches the port use the agent${runtimes.includes('process') ? ' and run code on this machine' : ''}`,
      'set JINA_STRESS_AGENT_TOKEN (or --token) and give the same token to the clients; --insecure-no-token if you really mean it',
    );
  }
  for (const name of options.passEnv ?? []) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*\*?$/.test(name)) throw optionError(`--pass-env ${JSON.stringify(name)} is not a variable name (or NAME_PREFIX*)`);
  }
  const workspaceRoot = options.workspaceRoot ?? mkdtempSync(join(tmpdir(), 'jina-stress-agent-'));
  return {
    host,
    port: options.port ?? 8000,
    workspaceRoot,
    isOwnWorkspaceRoot: options.workspaceRoot === undefined,
    token,
    insecureNoToken: options.insecureNoToken ?? false,
    runtime,
    runtimes,
    passEnv: options.passEnv ?? [],
    allowedHosts: options.allowedHosts ?? [],
    advertiseHost: options.advertiseHost,
    processCommand: resolveProcessCommand(options, env),
    processPathPrefix: resolvePythonBinDir(options, env),
    stopGraceMs: options.stopGraceMs ?? 5000,
    timeoutReadyMs: options.timeoutReadyMs ?? 120_000,
    limits: { ...defaultUploadLimits, ...options.limits },
    log: options.log ?? (() => {}),
  };
}

function resolveToken(options: AgentOptions, env: NodeJS.ProcessEnv): string | undefined {
  const [token, source] = options.token !== undefined ? [options.token, '--token'] : [env.JINA_STRESS_AGENT_TOKEN, 'JINA_STRESS_AGENT_TOKEN'];
  if (token === undefined) return undefined;
  // "" used to mean "no token": a mistake in a script then silently opened the agent.
  if (token.trim() === '') throw optionError(`${source} is empty`, `give a token, or unset ${source} to run without one (loopback only)`);
  return token;
}

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function optionError(message: string, hint?: string): StressError {
  return new StressError('CONFIG_INVALID', `agent: ${message}`, hint ? { hint } : {});
}

function resolveProcessCommand(options: AgentOptions, env: NodeJS.ProcessEnv): string[] {
  const command = options.processCommand ?? (env.JINA_STRESS_PROCESS_COMMAND || undefined);
  if (Array.isArray(command)) return command;
  // A string template is split on whitespace, not run by a shell: no quoting rules to get
  // wrong, and the agent kills exactly the process group it started.
  if (command !== undefined) return command.trim().split(/\s+/);
  const binDir = resolvePythonBinDir(options, env);
  // Flows run in their workspace folder: a relative path must not be read from there.
  const jinaBin = options.jinaBin?.includes('/') ? resolve(options.jinaBin) : (options.jinaBin ?? (binDir ? join(binDir, 'jina') : 'jina'));
  return [jinaBin, 'flow', '--uses', '{file}'];
}

/**
 * The `bin` folder of the Python environment: that of `jinaBin` when it is a path, else of
 * `$JINA_PYTHON` (a python executable, or the folder itself). Executors `jina` starts look
 * up their tools on PATH, so the Flow's PATH starts here.
 */
function resolvePythonBinDir(options: AgentOptions, env: NodeJS.ProcessEnv): string | undefined {
  if (options.jinaBin !== undefined) return options.jinaBin.includes('/') ? dirname(resolve(options.jinaBin)) : undefined;
  const python = env.JINA_PYTHON ? resolve(env.JINA_PYTHON) : undefined;
  if (python === undefined) return undefined;
  return isDirectory(python) ? python : dirname(python);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
