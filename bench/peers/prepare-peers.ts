import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** ghz as the Go module proxy serves it (v0.93.0 is the newest release the proxy lists). */
export const GHZ_VERSION = 'v0.93.0';

/** Built peers live here (git-ignored); the Go module cache stays Go's own. */
export const peersCacheDir = fileURLToPath(new URL('./.cache/', import.meta.url));
const echoSourceDir = fileURLToPath(new URL('./echo-target/', import.meta.url));

export interface Peers {
  ghz: string;
  echoTarget: string;
}

/**
 * Installs ghz and builds the Go echo target into the cache, once: ghz from the Go module
 * proxy (`go install …@version`, GOFLAGS=-mod=mod so no vendor folder is needed), the echo
 * target from `echo-target/` (rebuilt when its sources are newer than the binary). Needs `go`
 * on PATH; fails with what to do otherwise.
 */
export async function preparePeers(log: (line: string) => void = () => undefined): Promise<Peers> {
  mkdirSync(peersCacheDir, { recursive: true });
  const env = { ...process.env, GOFLAGS: '-mod=mod' };
  try {
    await run('go', ['version'], { env });
  } catch {
    throw new Error('bench/peers needs the Go toolchain (`go` on PATH) to install ghz and build the echo target');
  }
  const ghzDir = `${peersCacheDir}ghz-${GHZ_VERSION}`;
  const ghz = `${ghzDir}/ghz`;
  if (!existsSync(ghz)) {
    log(`installing ghz ${GHZ_VERSION} from the Go module proxy into ${ghzDir} …`);
    await run('go', ['install', `github.com/bojand/ghz/cmd/ghz@${GHZ_VERSION}`], { env: { ...env, GOBIN: ghzDir }, maxBuffer: 1 << 24 });
  }
  const echoTarget = `${peersCacheDir}echo-target`;
  const sources = ['main.go', 'go.mod', 'go.sum'].map((file) => statSync(`${echoSourceDir}${file}`).mtimeMs);
  if (!existsSync(echoTarget) || statSync(echoTarget).mtimeMs < Math.max(...sources)) {
    log(`building the Go echo target into ${echoTarget} …`);
    await run('go', ['build', '-o', echoTarget, '.'], { cwd: echoSourceDir, env, maxBuffer: 1 << 24 });
  }
  return { ghz, echoTarget };
}
