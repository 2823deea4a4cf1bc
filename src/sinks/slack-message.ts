import { redactSecrets } from '../report/redact-secrets.ts';
import { renderStatsText } from '../report/render-stats.ts';
import type { LoadResult } from '../load/load-result.ts';
import { buildStatsTable } from '../report/stats-table.ts';

/** What a run tells Slack. Plain data: the step builds it from the RunContext. */
export interface SlackNotice {
  title: string;
  /** The run's load-step reports (for the table and threshold breaches). */
  reports: readonly LoadResult[];
  /** Steps that failed so far (any kind), as the suite recorded them. */
  failures: ReadonlyArray<{ job: string; step: string; message: string }>;
  /** Where the uploaded report lives (see UploadResult.links). */
  links?: ReadonlyArray<{ label: string; url: string }>;
  runId?: string;
  configName?: string;
}

type TextObject = { type: 'mrkdwn' | 'plain_text'; text: string };
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' };

/** An incoming-webhook payload: `text` is the notification fallback, `blocks` the message. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's limits: header 150 chars, section text 3,000, 50 blocks. */
const HEADER_LIMIT = 150;
const SECTION_LIMIT = 3000;
const LIST_LIMIT = 10;

/** Slack mrkdwn reserves &, < and > (links are `<url|label>`). */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function bulletList(items: string[]): string {
  const shown = items.slice(0, LIST_LIMIT).map((item) => `• ${escapeMrkdwn(item)}`);
  if (items.length > LIST_LIMIT) shown.push(`…and ${items.length - LIST_LIMIT} more`);
  return shown.join('\n');
}

/**
 * A Block Kit message: title with the verdict, the compact stats table (monospace), threshold
 * breaches and check violations, other failed steps, and links to the uploaded report. Every
 * text is redacted with `knownSecrets` (the webhook URL among them) before it leaves.
 */
export function buildSlackMessage(notice: SlackNotice, knownSecrets: readonly string[] = []): SlackMessage {
  const table = buildStatsTable(notice.reports);
  const breaches = table.rows.filter((row) => !row.passed).map((row) => row.failure ?? `${row.job}/${row.task} failed`);
  const breachSteps = new Set(table.rows.filter((row) => !row.passed).map((row) => `${row.job}/${row.task}`));
  const otherFailures = notice.failures
    .filter((failure) => !breachSteps.has(`${failure.job}/${failure.step}`))
    .map((failure) => `${failure.job}/${failure.step}: ${failure.message.split('\n')[0]}`);
  const isPassed = breaches.length === 0 && otherFailures.length === 0;
  const verdict = isPassed ? 'passed' : 'FAILED';

  const facts = [`*Result:* ${isPassed ? ':white_check_mark: passed' : ':x: failed'}`];
  if (notice.configName) facts.push(`*Config:* ${escapeMrkdwn(notice.configName)}`);
  if (notice.runId) facts.push(`*Run:* ${escapeMrkdwn(notice.runId)}`);
  facts.push(`*Load steps:* ${table.rows.length}`);

  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${isPassed ? '✅' : '❌'} ${notice.title}`, HEADER_LIMIT) } },
    { type: 'section', text: { type: 'mrkdwn', text: facts.join('   ') } },
  ];
  const tableText = renderStatsText(table, 'Stats', { compact: true });
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`\`\`\`${escapeMrkdwn(tableText.trimEnd())}\`\`\``, SECTION_LIMIT) } });
  if (breaches.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Threshold breaches and check violations*\n${bulletList(breaches)}`, SECTION_LIMIT) } });
  }
  if (otherFailures.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Failed steps*\n${bulletList(otherFailures)}`, SECTION_LIMIT) } });
  }
  if (notice.links && notice.links.length > 0) {
    const links = notice.links.map((link) => `<${link.url}|${escapeMrkdwn(link.label)}>`).join('  ·  ');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`*Report:* ${links}`, SECTION_LIMIT) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `jina-stress · ${new Date().toISOString()}` }] });

  const message: SlackMessage = { text: `${notice.title}: ${verdict}`, blocks };
  return JSON.parse(redactSecrets(JSON.stringify(message), knownSecrets)) as SlackMessage;
}
