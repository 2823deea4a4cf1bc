import { collectStats as writeStats } from '../report/collect-stats.ts';
import { notifySlack, slackFailure } from '../sinks/slack-webhook.ts';
import { slackNoticeOf } from './slack-notice.ts';
import type { StepDefinition } from './step-definition.ts';

/** The seed's stats table across the run's load steps; `slack: true` also sends it. */
export const collectStats: StepDefinition<'collect_stats'> = {
  kind: 'collect_stats',
  role: 'work',
  needs: [],
  timeoutMs: () => 60_000,
  async run(context, params) {
    const { run } = context.job;
    const stats = await writeStats(run.reports, { reportsDir: run.reportsDir });
    context.log(`stats of ${run.reports.length} load step(s) written to ${stats.files.markdown}\n${stats.text}`);
    await context.attach('stats.md', 'text/markdown', stats.markdown);
    await context.attach('stats.txt', 'text/plain', stats.text);
    if (!params.slack) return;
    const result = await notifySlack(slackNoticeOf(run, undefined), { reportsDir: run.reportsDir, signal: context.signal });
    context.log(result.status === 'skipped' ? `Slack skipped: ${result.reason}` : `Slack: ${result.status}`);
    const failure = slackFailure(result);
    if (failure) throw failure;
  },
};
