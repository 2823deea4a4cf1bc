import { notifySlack as sendToSlack, slackFailure } from '../sinks/slack-webhook.ts';
import { slackNoticeOf } from './slack-notice.ts';
import type { StepDefinition } from './step-definition.ts';

export const notifySlack: StepDefinition<'notify_slack'> = {
  kind: 'notify_slack',
  role: 'work',
  needs: [],
  timeoutMs: () => 60_000,
  async run(context, params) {
    const { run } = context.job;
    const result = await sendToSlack(slackNoticeOf(run, params.title), {
      webhookEnv: params.webhookEnv,
      reportsDir: run.reportsDir,
      signal: context.signal,
    });
    context.log(result.status === 'skipped' ? `Slack skipped: ${result.reason}` : `Slack: ${result.status}`);
    const failure = slackFailure(result);
    if (failure) throw failure;
  },
};
