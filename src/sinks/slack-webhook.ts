import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StressError } from '../errors.ts';
import { describeErrorRedacted, redactSecrets } from '../report/redact-secrets.ts';
import { type SlackMessage, type SlackNotice, buildSlackMessage } from './slack-message.ts';

export const DEFAULT_SLACK_WEBHOOK_ENV = 'STRESS_TEST_SLACK_WEBHOOK';

export type SlackPostResult =
  | { status: 'sent'; httpStatus: number }
  | { status: 'rejected'; httpStatus: number; body: string }
  | { status: 'unreachable'; message: string }
  | { status: 'skipped'; reason: string };

export interface NotifySlackOptions {
  /** Env var holding the incoming-webhook URL (default STRESS_TEST_SLACK_WEBHOOK). */
  webhookEnv?: string;
  env?: NodeJS.ProcessEnv;
  /** Write the payload that was sent (redacted) to `<reportsDir>/slack-message.json`. */
  reportsDir?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The forms the URL could leak in: whole, and its path (which holds the secret part). */
function webhookSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [url, `${parsed.pathname}${parsed.search}`];
  } catch {
    return [url];
  }
}

/**
 * POST a message to a Slack incoming webhook. Never throws for Slack's answer: 2xx is `sent`,
 * 4xx/5xx is `rejected` with Slack's body (`invalid_payload`, `no_service`…), a network
 * failure is `unreachable`. Every string returned is redacted; the URL appears in none.
 */
export async function postSlackMessage(webhookUrl: string, message: SlackMessage, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<SlackPostResult> {
  const secrets = webhookSecrets(webhookUrl);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(message),
      signal,
      redirect: 'error',
    });
    const body = redactSecrets((await response.text()).slice(0, 2000), secrets);
    if (response.ok) return { status: 'sent', httpStatus: response.status };
    return { status: 'rejected', httpStatus: response.status, body };
  } catch (error) {
    return { status: 'unreachable', message: describeErrorRedacted(error, secrets) };
  }
}

/**
 * The notify_slack step (and collect_stats `slack: true`): build the message from the run,
 * post it to the webhook named by `webhookEnv`, keep a redacted copy next to the stats.
 * No webhook configured is `skipped`, not an error: a local run has none.
 */
export async function notifySlack(notice: SlackNotice, options: NotifySlackOptions = {}): Promise<SlackPostResult> {
  const env = options.env ?? process.env;
  const variable = options.webhookEnv ?? DEFAULT_SLACK_WEBHOOK_ENV;
  const url = env[variable];
  if (!url) return { status: 'skipped', reason: `${variable} is not set` };
  if (!/^https?:\/\//i.test(url)) return { status: 'skipped', reason: `${variable} does not hold an http(s) URL` };
  const message = buildSlackMessage(notice, webhookSecrets(url));
  if (options.reportsDir) {
    await mkdir(options.reportsDir, { recursive: true });
    await writeFile(join(options.reportsDir, 'slack-message.json'), `${JSON.stringify(message, null, 2)}\n`);
  }
  return postSlackMessage(url, message, options);
}

/** The error a Slack step fails with, or undefined (sent or skipped). Earlier steps keep their results. */
export function slackFailure(result: SlackPostResult): StressError | undefined {
  switch (result.status) {
    case 'sent':
    case 'skipped':
      return undefined;
    case 'rejected':
      return new StressError('SLACK', `Slack rejected the message: HTTP ${result.httpStatus}: ${result.body}`, {
        hint: 'Check the webhook is still active and the payload within Block Kit limits; the stats files are written regardless.',
      });
    case 'unreachable':
      return new StressError('SLACK', `Slack was not reachable: ${result.message}`, {
        hint: 'The stats files are written regardless; check network access to hooks.slack.com.',
      });
  }
}
