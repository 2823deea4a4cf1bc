import { z } from 'zod';
import { text } from '../config/field-schemas.ts';
import { defineStep } from './define-step.ts';
import { slackNoticeOf } from './slack-notice.ts';

const DEFAULT_WEBHOOK_ENV = 'STRESS_TEST_SLACK_WEBHOOK';

export const notifySlack = defineStep({
  kind: 'notify_slack',
  description: 'Post a summary of the run (results and failures so far) to a Slack incoming webhook.',
  schema: () => ({
    webhook_env: z
      .string({ error: 'expected an environment variable name' })
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name like SLACK_WEBHOOK' })
      .default(DEFAULT_WEBHOOK_ENV)
      .describe(`Name of the environment variable holding the webhook URL (default ${DEFAULT_WEBHOOK_ENV}); the URL itself never goes in the config.`),
    title: text('Heading of the message.').optional(),
  }),
  toParams: ({ webhook_env, title }) => ({ webhookEnv: webhook_env, title }),
  needs: [],
  role: 'report',
  timeoutMs: () => 60_000,
  async run(context, params) {
    const { run } = context.job;
    const { notifySlack: sendToSlack, slackFailure } = await import('../sinks/slack-webhook.ts');
    const result = await sendToSlack(slackNoticeOf(run, params.title), {
      webhookEnv: params.webhookEnv,
      reportsDir: run.reportsDir,
      signal: context.signal,
    });
    context.log(result.status === 'skipped' ? `Slack skipped: ${result.reason}` : `Slack: ${result.status}`);
    const failure = slackFailure(result);
    if (failure) throw failure;
    return {};
  },
});
