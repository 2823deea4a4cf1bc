import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { installedVitestVersion, installProject, lowestVitestVersion, packRepository, type PackedInstall } from './packed-install.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    packedInstall: PackedInstall;
  }
}

/**
 * Global setup of the `package` test project: one `npm pack` (which builds dist/) and two
 * installs of it into fresh `npm init -y` projects, at the highest and the lowest vitest of
 * the peer range, shared by every packed-install test (installs are the slow part).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workDir = await mkdtemp(join(tmpdir(), 'jina-stress-packed-'));
  const tarball = await packRepository(workDir);
  const latest = { dir: join(workDir, 'latest'), vitest: await installedVitestVersion() };
  const lowest = { dir: join(workDir, 'lowest'), vitest: await lowestVitestVersion() };
  // One after the other: two npm installs at once on two shared cores gain little.
  await installProject(latest.dir, tarball, latest.vitest);
  await installProject(lowest.dir, tarball, lowest.vitest);
  project.provide('packedInstall', { workDir, tarball, latest, lowest });
  return async () => {
    await rm(workDir, { recursive: true, force: true });
  };
}
