import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectStats } from '../../src/report/collect-stats.ts';
import { describeErrorRedacted } from '../../src/report/redact-secrets.ts';
import type { SlackMessage } from '../../src/sinks/slack-message.ts';
import { notifySlack, postSlackMessage, slackFailure } from '../../src/sinks/slack-webhook.ts';
import { buildSampleLoadResult } from '../report/build-sample-load-result.ts';

interface Received {
  path: string;
  contentType: string | undefined;
  body: SlackMessage;
}

/** A local stand-in for hooks.slack.com: records posts, answers with a chosen status and body. */
async function startReceiver(answer: { status: number; body: string }): Promise<{ origin: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: JSON.parse(text) as SlackMessage });
      response.writeHead(answer.status, { 'content-type': 'text/plain' });
      response.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const SECRET_PATH = '/services/T0SECRET1/B0SECRET2/s3cr3tW3bh00kT0k3nValue';

function sampleNotice(links: Array<{ label: string; url: string }> = []) {
  const index = buildSampleLoadResult({ step: 'index', seed: 4 });
  const query = buildSampleLoadResult({ method: 'query', step: 'query', seed: 5 });
  query.thresholds = [{ name: 'p99_ms', limit: 20, measured: query.latency.p99Ms, passed: false }];
  return {
    title: 'images stress test',
    reports: [index, query],
    failures: [
      { job: 'images-stress-test', step: 'query', message: 'Threshold breached …' },
      { job: 'images-stress-test', step: 'terminate_flow', message: `DELETE failed, webhook was http://x${SECRET_PATH}` },
    ],
    links,
    runId: 'tf-77',
    configName: 'local.yaml',
  };
}

/** Every file under `dir`, as text. */
async function allFiles(dir: string): Promise<Array<[string, string]>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => [entry.name, await readFile(join(entry.parentPath, entry.name), 'utf8')] as [string, string]));
}

describe('Slack incoming webhook', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slack-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('posts a Block Kit message with the verdict, the stats table, breaches and report links', async () => {
    const receiver = await startReceiver({ status: 200, body: 'ok' });
    try {
      const links = [{ label: 'Allure report', url: 'http://127.0.0.1:9/bucket/tf-77/allure-report/index.html' }];
      const result = await notifySlack(sampleNotice(links), { env: { STRESS_TEST_SLACK_WEBHOOK: `${receiver.origin}${SECRET_PATH}` } });
      expect(result).toEqual({ status: 'sent', httpStatus: 200 });
      expect(receiver.received).toHaveLength(1);
      const { path, contentType, body } = receiver.received[0] as Received;
      expect(path).toBe(SECRET_PATH);
      expect(contentType).toMatch(/^application\/json/);
      expect(body.text).toBe('images stress test: FAILED');
      expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '❌ images stress test' } });
      const texts = body.blocks.flatMap((block) => ('text' in block ? [block.text.text] : []));
      const table = texts.find((text) => text.startsWith('```')) ?? '';
      expect(table).toMatch(/^```Stats\nTask +Docs\/s +QPS +p50 \(ms\) +p95 \(ms\) +p99 \(ms\) +encoder \(ms\) +indexer \(ms\) +Errors +Result/);
      expect(table).toMatch(/\nindex .* pass\n/);
      expect(table).toMatch(/\nquery .* FAIL```$/);
      expect(texts.find((text) => text.startsWith('*Threshold breaches'))).toContain('Threshold breached in images-stress-test/query: p99_ms measured');
      const failed = texts.find((text) => text.startsWith('*Failed steps*')) ?? '';
      expect(failed).toContain('terminate_flow');
      expect(failed).not.toContain('query');
      expect(failed).not.toContain('T0SECRET1');
      expect(texts).toContain(`*Report:* <${links[0]?.url}|Allure report>`);
      expect(texts[1]).toContain('*Result:* :x: failed');
    } finally {
      await receiver.close();
    }
  });

  it('a 500 from Slack is reported with its body, and the stats written before it stay', async () => {
    const receiver = await startReceiver({ status: 500, body: `internal_error for ${SECRET_PATH}` });
    const reportsDir = join(dir, 'reports');
    const webhook = `${receiver.origin}${SECRET_PATH}`;
    const logs: string[] = [];
    try {
      const notice = sampleNotice();
      const stats = await collectStats(notice.reports, { reportsDir, env: {} });
      const result = await notifySlack(notice, { env: { STRESS_TEST_SLACK_WEBHOOK: webhook }, reportsDir });
      expect(result.status).toBe('rejected');
      expect(result.status === 'rejected' && result.httpStatus).toBe(500);
      expect(result.status === 'rejected' && result.body).toBe('internal_error for [REDACTED]');
      const error = slackFailure(result);
      expect(error?.code).toBe('SLACK');
      expect(error?.format()).toContain('HTTP 500: internal_error');
      logs.push(error?.format() ?? '', JSON.stringify(result));
      expect(await readFile(stats.files.markdown, 'utf8')).toBe(stats.markdown);

      const files = await allFiles(reportsDir);
      expect(files.map(([name]) => name).sort()).toEqual(['slack-message.json', 'stats.json', 'stats.md', 'stats.txt']);
      for (const [name, text] of [...files, ['logs', logs.join('\n')] as [string, string]]) {
        expect(text, name).not.toContain('T0SECRET1');
        expect(text, name).not.toContain('s3cr3tW3bh00kT0k3nValue');
        expect(text, name).not.toContain(encodeURIComponent(webhook));
      }
    } finally {
      await receiver.close();
    }
  });

  it('an unreachable webhook is a result whose message does not contain the URL', async () => {
    const receiver = await startReceiver({ status: 200, body: 'ok' });
    await receiver.close();
    const webhook = `${receiver.origin}${SECRET_PATH}`;
    const result = await postSlackMessage(webhook, { text: 't', blocks: [] }, { timeoutMs: 2_000 });
    expect(result.status).toBe('unreachable');
    const message = result.status === 'unreachable' ? result.message : '';
    expect(message).toMatch(/ECONNREFUSED/);
    expect(message).not.toContain('T0SECRET1');
    expect(slackFailure(result)?.message).not.toContain('s3cr3t');
    // What fetch itself says, unredacted, for comparison: the redaction is what keeps it out.
    expect(describeErrorRedacted(new Error(`POST ${webhook} failed`), [webhook])).toBe('POST [REDACTED] failed');
  });

  it('without a webhook configured, nothing is sent and nothing fails', async () => {
    const result = await notifySlack(sampleNotice(), { env: {}, reportsDir: dir });
    expect(result).toEqual({ status: 'skipped', reason: 'STRESS_TEST_SLACK_WEBHOOK is not set' });
    expect(slackFailure(result)).toBeUndefined();
    expect(await readdir(dir)).toEqual([]);
  });
});
