import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/jina-stress.mjs', import.meta.url));

export interface CliAgent {
  child: ChildProcess;
  port: number;
  workspaceRoot: string;
  output(): string;
  exited: Promise<number | null>;
}

/** `jina-stress agent <args>` as a child process, once it printed its address. */
export async function startCliAgent(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliAgent> {
  const child = spawn(process.execPath, [bin, 'agent', '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  let match: RegExpExecArray | null = null;
  while (!(match = /listening on http:\/\/127\.0\.0\.1:(\d+) \(workspaces in (\S+)\)/.exec(output)) && Date.now() < deadline) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!match) {
    child.kill('SIGKILL');
    throw new Error(`the agent did not start:\n${output}`);
  }
  return { child, port: Number(match[1]), workspaceRoot: match[2] as string, output: () => output, exited };
}
