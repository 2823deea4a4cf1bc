import { collectStats as writeStats } from '../report/collect-stats';
import { notifySlack, slackFailure } from '../sinks/slack-webhook';
import { slackNoticeOf } from './slack-notice';
import type { StepDefinition } from './step-definition';

/** The seed's stats table across the run's load steps; `slack: true` also sends it. */
export const collectStats: StepDefinition<'collect_stats'> = {
  kind: 'collect_stats',
  role: 'report',
  needs: [],
  timeoutMs: () => 60_000,
  async run(context, params) {
    const { run } = context.job;
    const stats = await writeStats(run.results.reports, { reportsDir: run.reportsDir });
    context.log(`stats of ${run.results.reports.length} load step(s) written to ${stats.files.markdown}\n${stats.text}`);
    const artifacts = [
      { name: 'stats.md', contentType: 'text/markdown', body: stats.markdown },
      { name: 'stats.txt', contentType: 'text/plain', body: stats.text },
    ];
    if (!params.slack) return { artifacts };
    const result = await notifySlack(slackNoticeOf(run, undefined), { reportsDir: run.reportsDir, signal: context.signal });
    context.log(result.status === 'skipped' ? `Slack skipped: ${result.reason}` : `Slack: ${result.status}`);
    const failure = slackFailure(result);
    return failure ? { artifacts, failure } : { artifacts };
  },
};
