import { appendFile } from 'node:fs/promises';

export type GithubSummaryResult =
  | { status: 'written'; path: string }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; path: string; message: string };

/**
 * Append Markdown to the job summary GitHub Actions shows on the run page. Outside Actions
 * (no `GITHUB_STEP_SUMMARY`) it is skipped; a write that fails is reported, never thrown, so
 * a read-only summary file cannot fail a stress run that passed.
 */
export async function appendGithubStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): Promise<GithubSummaryResult> {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return { status: 'skipped', reason: 'GITHUB_STEP_SUMMARY is not set' };
  try {
    await appendFile(path, markdown.endsWith('\n') ? `${markdown}\n` : `${markdown}\n\n`);
    return { status: 'written', path };
  } catch (error) {
    return { status: 'failed', path, message: error instanceof Error ? error.message : String(error) };
  }
}
