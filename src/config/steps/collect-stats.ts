import { flag } from '../field-schemas.ts';
import { defineStepSchema } from '../step-schema.ts';

export const collectStatsStep = defineStepSchema({
  kind: 'collect_stats',
  description: "A table of the run's load steps so far: docs/s, QPS, percentiles, time per executor.",
  shape: () => ({
    slack: flag('Also post the table to Slack (webhook from $STRESS_TEST_SLACK_WEBHOOK).').default(false),
  }),
  toParams: ({ slack }) => ({ slack }),
});
