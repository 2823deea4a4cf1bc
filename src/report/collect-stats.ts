import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GithubSummaryResult, appendGithubStepSummary } from './github-step-summary.ts';
import { renderStatsMarkdown, renderStatsText } from './render-stats.ts';
import type { LoadResult } from '../load/load-result.ts';
import { type StatsTable, buildStatsTable } from './stats-table.ts';

export interface CollectStatsOptions {
  /** Where stats.md / stats.txt / stats.json go (the run's `reports/`). */
  reportsDir: string;
  title?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CollectedStats {
  table: StatsTable;
  markdown: string;
  text: string;
  files: { markdown: string; text: string; json: string };
  githubSummary: GithubSummaryResult;
}

/**
 * Everything `collect_stats` does except talking to the outside: build the table from the
 * run's load-step reports, write `stats.md`, `stats.txt` and `stats.json`, and append the
 * Markdown to the GitHub job summary when running in Actions. The step then logs `text`,
 * attaches `markdown`, and hands `table` to Slack when asked.
 */
export async function collectStats(reports: readonly LoadResult[], options: CollectStatsOptions): Promise<CollectedStats> {
  const table = buildStatsTable(reports);
  const markdown = renderStatsMarkdown(table, options.title);
  const text = renderStatsText(table, options.title);
  await mkdir(options.reportsDir, { recursive: true });
  const files = {
    markdown: join(options.reportsDir, 'stats.md'),
    text: join(options.reportsDir, 'stats.txt'),
    json: join(options.reportsDir, 'stats.json'),
  };
  await Promise.all([
    writeFile(files.markdown, markdown),
    writeFile(files.text, text),
    writeFile(files.json, `${JSON.stringify(table, null, 2)}\n`),
  ]);
  const githubSummary = await appendGithubStepSummary(markdown, options.env ?? process.env);
  return { table, markdown, text, files, githubSummary };
}
