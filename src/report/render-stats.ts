import { type StatsTable, statsColumns } from './stats-table.ts';

const EXECUTOR_NOTE = 'Executor columns: mean time per request in each executor, from the gateway\'s response routes.';
const EMPTY_NOTE = 'No load steps ran in this run.';

/** `|` ends a Markdown cell and a newline ends the row: keep names from breaking the table. */
function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** GitHub-flavoured Markdown: numbers right-aligned, failures listed under the table. */
export function renderStatsMarkdown(table: StatsTable, title = 'Stress test stats'): string {
  const lines = [`## ${title}`, ''];
  if (table.rows.length === 0) return [...lines, EMPTY_NOTE, ''].join('\n');
  const columns = statsColumns(table);
  lines.push(`| ${columns.map((column) => escapeMarkdownCell(column.header)).join(' | ')} |`);
  lines.push(`|${columns.map((column) => (column.isNumeric ? '---:' : ':---')).join('|')}|`);
  for (const row of table.rows) {
    lines.push(`| ${columns.map((column) => escapeMarkdownCell(column.cell(row))).join(' | ')} |`);
  }
  lines.push('', EXECUTOR_NOTE);
  const failures = table.rows.filter((row) => !row.passed);
  if (failures.length > 0) {
    lines.push('', '**Failed:**', '');
    for (const row of failures) lines.push(`- ${escapeMarkdownCell(row.failure ?? `${row.job}/${row.task}`)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Aligned plain text for `stats.txt` and the console (the seed printed a tabulate table).
 * Widths count code points, so `≤` and `–` do not shift the columns.
 */
export function renderStatsText(table: StatsTable, title = 'Stress test stats', options: { compact?: boolean } = {}): string {
  if (table.rows.length === 0) return `${title}\n${EMPTY_NOTE}\n`;
  const columns = statsColumns(table, options);
  const cells = [columns.map((column) => column.header), ...table.rows.map((row) => columns.map((column) => column.cell(row)))];
  const width = (text: string): number => [...text].length;
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => width(line[index] ?? ''))));
  const pad = (text: string, index: number): string => {
    const fill = ' '.repeat((widths[index] ?? 0) - width(text));
    return columns[index]?.isNumeric ? fill + text : text + fill;
  };
  const format = (line: string[]): string => line.map(pad).join('  ').trimEnd();
  const rule = widths.map((size) => '-'.repeat(size)).join('  ');
  const lines = [title, format(cells[0] ?? []), rule, ...cells.slice(1).map(format)];
  if (options.compact) return `${lines.join('\n')}\n`;
  lines.push('', EXECUTOR_NOTE);
  for (const row of table.rows.filter((entry) => !entry.passed)) lines.push(`FAIL ${row.failure ?? `${row.job}/${row.task}`}`);
  return `${lines.join('\n')}\n`;
}
