import { basename } from 'node:path';
import type { SlackNotice } from '../sinks/slack-message.ts';
import type { RunContext } from './job-context.ts';

export function slackNoticeOf(run: RunContext, title: string | undefined): SlackNotice {
  const configName = basename(run.plan.configPath);
  return {
    title: title ?? `jina-stress: ${configName}`,
    reports: run.results.reports,
    failures: run.results.failures,
    links: run.results.links,
    runId: run.runId,
    configName,
  };
}
