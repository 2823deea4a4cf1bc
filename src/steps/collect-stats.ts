import { flag } from '../config/field-schemas.ts';
import { defineStep } from './define-step.ts';
import { slackNoticeOf } from './slack-notice.ts';

/** The seed's stats table across the run's load steps; `slack: true` also sends it. */
export const collectStats = defineStep({
  kind: 'collect_stats',
  description: "A table of the run's load steps so far: docs/s, QPS, percentiles, time per executor.",
  schema: () => ({
    slack: flag('Also post the table to Slack (webhook from $STRESS_TEST_SLACK_WEBHOOK).').default(false),
  }),
  toParams: ({ slack }) => ({ slack }),
  needs: [],
  role: 'report',
  parameters: (params) => [{ name: 'slack', value: String(params.slack) }],
  timeoutMs: () => 60_000,
  async run(context, params) {
    const { run } = context.job;
    const { collectStats: writeStats } = await import('../report/collect-stats.ts');
    const stats = await writeStats(run.results.reports, { reportsDir: run.reportsDir });
    context.log(`stats of ${run.results.reports.length} load step(s) written to ${stats.files.markdown}\n${stats.text}`);
    const artifacts = [
      { name: 'stats.md', contentType: 'text/markdown', body: stats.markdown },
      { name: 'stats.txt', contentType: 'text/plain', body: stats.text },
    ];
    if (!params.slack) return { artifacts };
    const { notifySlack, slackFailure } = await import('../sinks/slack-webhook.ts');
    const result = await notifySlack(slackNoticeOf(run, undefined), { reportsDir: run.reportsDir, signal: context.signal });
    context.log(result.status === 'skipped' ? `Slack skipped: ${result.reason}` : `Slack: ${result.status}`);
    const failure = slackFailure(result);
    return failure ? { artifacts, failure } : { artifacts };
  },
});
