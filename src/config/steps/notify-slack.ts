import { z } from 'zod';
import { text } from '../field-schemas.ts';
import { defineStepSchema } from '../step-schema.ts';

const DEFAULT_WEBHOOK_ENV = 'STRESS_TEST_SLACK_WEBHOOK';

export const notifySlackStep = defineStepSchema({
  kind: 'notify_slack',
  description: 'Post a summary of the run (results and failures so far) to a Slack incoming webhook.',
  shape: () => ({
    webhook_env: z
      .string({ error: 'expected an environment variable name' })
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name like SLACK_WEBHOOK' })
      .default(DEFAULT_WEBHOOK_ENV)
      .describe(`Name of the environment variable holding the webhook URL (default ${DEFAULT_WEBHOOK_ENV}); the URL itself never goes in the config.`),
    title: text('Heading of the message.').optional(),
  }),
  toParams: ({ webhook_env, title }) => ({ webhookEnv: webhook_env, title }),
});
