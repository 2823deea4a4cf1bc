import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectStats } from '../../src/report/collect-stats.ts';
import { renderStatsText } from '../../src/report/render-stats.ts';
import type { LoadResult } from '../../src/load/load-result.ts';
import { buildStatsTable, formatMs } from '../../src/report/stats-table.ts';
import { buildSampleLoadResult } from './build-sample-load-result.ts';

function sampleRun(): LoadResult[] {
  const index = buildSampleLoadResult({ method: 'index', step: 'index images', numClients: 5, seed: 1 });
  const query = buildSampleLoadResult({
    method: 'query',
    step: 'query images',
    client: 'websocket',
    seed: 2,
    executors: [{ name: 'encoder', medianMs: 6 }, { name: 'indexer', medianMs: 14 }, { name: 'ranker', medianMs: 3 }],
  });
  query.thresholds = [{ name: 'p99_ms', limit: 10, measured: query.latency.p99Ms, passed: false }];
  const texts = buildSampleLoadResult({ job: 'texts-job', step: 'index | texts', seed: 3, executors: [{ name: 'text_encoder', medianMs: 4 }], errorEvery: 50 });
  return [index, query, texts];
}

/** Cells of a GitHub Markdown table (unescaping `\|`). */
function markdownRows(markdown: string): string[][] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) => line.slice(2, -2).split(/ (?<!\\)\| /).map((cell) => cell.replace(/\\\|/g, '|')));
}

describe('collect_stats', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stats-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes stats.md, stats.txt and stats.json with one row per load step and executor columns from the routes', async () => {
    const reports = sampleRun();
    const stats = await collectStats(reports, { reportsDir: dir, env: {} });
    const markdown = await readFile(join(dir, 'stats.md'), 'utf8');
    expect(markdown).toBe(stats.markdown);
    const [header, ...rows] = markdownRows(markdown);
    expect(header).toEqual([
      'Task', 'Client', '#Clients', 'Wall time (s)', '#Docs', 'Docs/s', 'QPS', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)',
      'encoder (ms)', 'indexer (ms)', 'ranker (ms)', 'text_encoder (ms)', 'Errors', 'Result',
    ]);
    expect(rows).toHaveLength(3);
    const column = (name: string) => (header as string[]).indexOf(name);
    reports.forEach((report, index) => {
      const row = rows[index] as string[];
      expect(row[column('Task')]).toBe(`${report.job} / ${report.step}`);
      expect(row[column('p99 (ms)')]).toBe(formatMs(report.latency.p99Ms));
      expect(row[column('#Docs')]).toBe(report.docs.toLocaleString('en-US'));
      expect(Number(row[column('QPS')]?.replace(/,/g, ''))).toBeCloseTo(report.qps, 1);
      for (const executor of report.executors) expect(row[column(`${executor.executor} (ms)`)]).toBe(formatMs(executor.meanMs));
    });
    expect(rows[0]?.[column('ranker (ms)')]).toBe('–');
    expect(rows[1]?.[column('Result')]).toBe('FAIL');
    expect(rows[2]?.[column('Errors')]).toBe(String(reports[2]?.errors.total));
    expect(markdown).toContain('- Threshold breached in images-stress-test/query images: p99_ms measured');

    const json = JSON.parse(await readFile(join(dir, 'stats.json'), 'utf8'));
    expect(json.executors).toEqual(['encoder', 'indexer', 'ranker', 'text_encoder']);
    expect(await readFile(join(dir, 'stats.txt'), 'utf8')).toBe(stats.text);
    expect(stats.githubSummary).toEqual({ status: 'skipped', reason: 'GITHUB_STEP_SUMMARY is not set' });
  });

  it('aligns the plain-text table: numbers end under their header', () => {
    const text = renderStatsText(buildStatsTable(sampleRun()));
    const lines = text.split('\n');
    const header = lines[1] as string;
    const headerEnd = header.indexOf('p99 (ms)') + 'p99 (ms)'.length;
    const rows = lines.slice(3, 6);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row[headerEnd - 1]).toMatch(/\d/);
    for (const row of rows) expect(row[headerEnd]).toBe(' ');
    expect(lines[2]).toMatch(/^-+( {2}-+)+$/);
  });

  it('appends the Markdown to GITHUB_STEP_SUMMARY, keeping what earlier steps wrote', async () => {
    const summary = join(dir, 'summary.md');
    await writeFile(summary, '# earlier step\n');
    const stats = await collectStats(sampleRun(), { reportsDir: join(dir, 'reports'), env: { GITHUB_STEP_SUMMARY: summary } });
    expect(stats.githubSummary).toEqual({ status: 'written', path: summary });
    const written = await readFile(summary, 'utf8');
    expect(written.startsWith('# earlier step\n## Stress test stats\n')).toBe(true);
    expect(markdownRows(written)).toHaveLength(4);
  });

  it('reports a summary file it cannot write instead of throwing', async () => {
    const stats = await collectStats([], { reportsDir: dir, env: { GITHUB_STEP_SUMMARY: join(dir, 'missing-dir', 'summary.md') } });
    expect(stats.githubSummary.status).toBe('failed');
    expect(stats.markdown).toContain('No load steps ran');
    expect((await stat(join(dir, 'stats.md'))).size).toBeGreaterThan(0);
  });
});
