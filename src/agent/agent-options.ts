import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

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
  /** Bearer token every request must carry. Default `$JINA_STRESS_AGENT_TOKEN`; none: open. */
  token?: string;
  /** Runtime used when `POST /flows` names none (default `reference` when available, else `process`). */
  runtime?: string;
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
  runtime: string | undefined;
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

/** Fills defaults from the options, then the environment. */
export function resolveAgentOptions(options: AgentOptions, env: NodeJS.ProcessEnv = process.env): ResolvedAgentOptions {
  const workspaceRoot = options.workspaceRoot ?? mkdtempSync(join(tmpdir(), 'jina-stress-agent-'));
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8000,
    workspaceRoot,
    isOwnWorkspaceRoot: options.workspaceRoot === undefined,
    token: options.token ?? (env.JINA_STRESS_AGENT_TOKEN || undefined),
    runtime: options.runtime,
    advertiseHost: options.advertiseHost,
    processCommand: resolveProcessCommand(options, env),
    processPathPrefix: resolvePythonBinDir(options, env),
    stopGraceMs: options.stopGraceMs ?? 5000,
    timeoutReadyMs: options.timeoutReadyMs ?? 120_000,
    limits: { ...defaultUploadLimits, ...options.limits },
    log: options.log ?? (() => {}),
  };
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
