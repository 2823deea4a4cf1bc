import { existsSync } from 'node:fs';
import { copyFile, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { GetObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { type Browser, chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../src/load/load-result.ts';
import { createS3Client } from '../../src/sinks/s3-connection.ts';
import { serveDirectory } from '../report/serve-directory.ts';
import { type SlackPost, startSlackReceiver } from '../sinks/start-slack-receiver.ts';
import { type RunningS3rver, startS3rver } from '../sinks/start-s3rver.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { createStressProject, statesOf, type StressProject, type StressRun } from '../vitest/support/stress-project.ts';

// The end-to-end show: the shipped configs/local.yaml, run by the real plugin in a
// user-style project, with upload_to_s3 and notify_slack appended. They reach the local
// stand-ins only as a user's would: the endpoint through `${S3_ENDPOINT}` in the config, the
// webhook, AWS credentials and TFID through the environment. Then the HTML report, opened in
// headless Chromium on the query step's page.

const repoRoot = resolve(import.meta.dirname, '../..');
const BUCKET = 'e2e-local-reports';
const TFID = `e2e-local-${process.pid}`;
const WEBHOOK_PATH = '/services/T0E2ELOCAL/B0E2ELOCAL/w3bh00kS3cr3tE2eLocal';
/** local.yaml's phases, kept as shipped: the run stays well inside the time budget. */
const LOAD_SECONDS = 5;
const JOB = 'local-images';
const EXECUTORS = ['encoder', 'indexer', 'ranker'];

const CHROMIUM = process.env.JINA_STRESS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_MISSING = `${CHROMIUM} not found: the browser check needs Debian's chromium (apt-get install -y chromium)`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
/** The QPS line colour of the throughput chart (#4e79a7). */
const QPS_RGB = [0x4e, 0x79, 0xa7] as const;
/** The project folder is removed afterwards; the screenshot is also kept here for a person. */
const SCREENSHOT_COPY = process.env.E2E_LOCAL_SCREENSHOT ?? join(tmpdir(), 'jina-stress-e2e-local-query-step.png');

/** configs/local.yaml with absolute flow paths (it runs from a temp folder) and the sinks. */
async function localConfigWithSinks(): Promise<string> {
  const shipped = await readFile(join(repoRoot, 'configs/local.yaml'), 'utf8');
  const adapted = shipped
    .replaceAll('../fixtures/flows/reference', join(repoRoot, 'fixtures/flows/reference'))
    .replace('$schema=../schema/', `$schema=${join(repoRoot, 'schema')}/`);
  expect(adapted, 'configs/local.yaml changed shape: update this test').not.toContain('../');
  expect(adapted.match(new RegExp(`execution_time: ${LOAD_SECONDS}\\n`, 'g'))).toHaveLength(2);
  return `${adapted.trimEnd()}
      - method: upload_to_s3
        directory: reports
        bucket: ${BUCKET}
        endpoint: \${S3_ENDPOINT}
      - method: notify_slack
        title: local.yaml end to end
`;
}

interface AllureAttachment {
  name: string;
  source: string;
  type: string;
}
interface AllureResult {
  name: string;
  status: string;
  steps: Array<{ attachments: AllureAttachment[] }>;
  attachments: AllureAttachment[];
}

/** allure-js 3 records each attachment as a step holding it. */
const attachmentsOf = (result: AllureResult): AllureAttachment[] => [...result.attachments, ...result.steps.flatMap((step) => step.attachments)];

/** Relative path (with `/`) → bytes, for every file under `dir`. */
async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return new Map(await Promise.all(files.map(async (file) => [relative(dir, file).split(sep).join('/'), await readFile(file)] as const)));
}

/** Pixels within a small distance of `rgb` in a PNG. */
function countPixelsNear(png: Buffer, rgb: readonly [number, number, number], tolerance = 24): number {
  const { data } = PNG.sync.read(png);
  let count = 0;
  for (let index = 0; index < data.length; index += 4) {
    const distance = Math.abs((data[index] ?? 0) - rgb[0]) + Math.abs((data[index + 1] ?? 0) - rgb[1]) + Math.abs((data[index + 2] ?? 0) - rgb[2]);
    if (distance <= tolerance) count += 1;
  }
  return count;
}

/** The `|`-separated cells of a Markdown table row. */
const cellsOf = (row: string): string[] => row.split('|').slice(1, -1).map((cell) => cell.trim());

describe('configs/local.yaml end to end, with S3 and Slack on loopback', () => {
  let s3: RunningS3rver;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let project: StressProject;
  let run: StressRun;
  let results: Map<string, AllureResult>;
  const resultsDir = () => join(project.reportsDir, 'allure-results');
  /** An attachment of a step's Allure result, as the file allure-vitest wrote. */
  const readAttachment = (step: string, name: string): Promise<string> => {
    const attachment = attachmentsOf(results.get(step) as AllureResult).find((entry) => entry.name === name);
    expect(attachment, `${step} has an attachment "${name}"`).toBeDefined();
    return readFile(join(resultsDir(), attachment?.source ?? ''), 'utf8');
  };

  beforeAll(async () => {
    [s3, slack] = await Promise.all([startS3rver([BUCKET]), startSlackReceiver(WEBHOOK_PATH)]);
    project = await createStressProject(await localConfigWithSinks());
    const { accessKeyId = '', secretAccessKey = '' } = s3.connection.credentials ?? {};
    run = await project.run([], {
      env: {
        S3_ENDPOINT: s3.connection.endpoint ?? '',
        STRESS_TEST_SLACK_WEBHOOK: slack.url,
        AWS_ACCESS_KEY_ID: accessKeyId,
        AWS_SECRET_ACCESS_KEY: secretAccessKey,
        AWS_REGION: 'us-east-1',
        TFID,
        // A CI job summary is for the CI job's own run, not this nested one.
        GITHUB_STEP_SUMMARY: '',
      },
    });
    const names = await readdir(resultsDir()).catch(() => []);
    const parsed = await Promise.all(
      names.filter((name) => name.endsWith('-result.json')).map(async (name) => JSON.parse(await readFile(join(resultsDir(), name), 'utf8')) as AllureResult),
    );
    results = new Map(parsed.map((result) => [result.name, result]));
  }, 150_000);

  afterAll(async () => {
    // E2E_LOCAL_KEEP=1 keeps the project (config, reports, HTML report) to look at by hand.
    if (process.env.E2E_LOCAL_KEEP === '1') console.log(`kept the project in ${project?.dir}`);
    else await project?.remove();
    await Promise.all([s3?.stop(), slack?.close()]);
  });

  it('runs every step of local.yaml and both sinks, all passing', () => {
    expect(run.exitCode, run.output).toBe(0);
    expect(statesOf(run)).toEqual({
      [`${JOB} › create_workspace`]: 'passed',
      [`${JOB} › start_flow`]: 'passed',
      [`${JOB} › index`]: 'passed',
      [`${JOB} › terminate_flow`]: 'passed',
      [`${JOB} › start_flow #2`]: 'passed',
      [`${JOB} › query`]: 'passed',
      [`${JOB} › terminate_flow #2`]: 'passed',
      [`${JOB} › delete_workspace`]: 'passed',
      [`${JOB} › collect_stats`]: 'passed',
      [`${JOB} › upload_to_s3`]: 'passed',
      [`${JOB} › notify_slack`]: 'passed',
    });
    expect([...results.values()].map((result) => result.status)).toEqual(Array(11).fill('passed'));
  });

  it('leaves Allure attachments for each load step that open and parse', async () => {
    for (const step of ['index', 'query'] as const) {
      const summary = JSON.parse(await readAttachment(step, 'summary.json')) as LoadResult;
      expect(summary).toMatchObject({ job: JOB, step, method: step, model: 'closed', stoppedBy: 'deadline', errors: { total: 0 }, violations: { count: 0 } });
      expect(summary.config).toMatchObject({ client: 'grpc', numClients: 2, requestSize: 10, executionTimeS: LOAD_SECONDS });
      expect(summary.requests).toBeGreaterThan(0);
      expect(summary.docs).toBe(summary.requests * 10);
      expect(summary.latency.p50Ms).toBeGreaterThan(0);
      expect(summary.latency.p99Ms).toBeGreaterThanOrEqual(summary.latency.p50Ms);
      expect(summary.histograms.roundTrip.length).toBeGreaterThan(20);
      const executors = summary.executors.map((executor) => executor.executor);
      expect(executors).toEqual(step === 'query' ? EXECUTORS : ['encoder', 'indexer']);

      // A header, then one row per second of the phase (the last one the partial tail).
      const [header, ...rows] = (await readAttachment(step, 'per-second.csv')).trimEnd().split('\n');
      expect(header).toBe(
        ['second,requests,docs,errors,p50_ms,p99_ms', ...executors.map((name) => `${name}_mean_ms`), 'executors_ms,gateway_own_ms,client_transport_ms,generator_cores'].join(','),
      );
      expect(summary.roundTripSplit).toMatchObject({ status: 'split', requests: summary.okRequests });
      const table = rows.map((row) => row.split(',').map(Number));
      expect(table.length).toBe(summary.series.length);
      expect(table.length).toBeGreaterThanOrEqual(LOAD_SECONDS);
      expect(table.length).toBeLessThanOrEqual(LOAD_SECONDS + 1);
      expect(table.map((row) => row[0])).toEqual(table.map((_, second) => second));
      for (const row of table) expect(row.every(Number.isFinite), `CSV row ${row.join(',')}`).toBe(true);
      expect(table.reduce((sum, row) => sum + (row[1] ?? 0), 0)).toBe(summary.requests);

      // HdrHistogram's percentile distribution: the round trip's total count is every request.
      const hdr = await readAttachment(step, 'latency percentiles (HDR, ms)');
      expect(hdr).toMatch(/^# round trip \(ms\)\n\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)/);
      for (const executor of executors) expect(hdr).toContain(`# executor ${executor} (ms)`);
      const roundTripCount = Number(/#\[Max\s+=\s+[\d.]+, Total count\s+=\s+(\d+)\]/.exec(hdr)?.[1]);
      expect(roundTripCount).toBe(summary.latency.count);

      // Host metrics: the embedded agent (in Vitest's main process, not the generator's worker)
      // runs the reference Flow inside itself: one row, serving the gateway and the executors.
      expect(summary.hostMetrics).toMatchObject({
        status: 'sampled',
        agents: [{ status: 'sampled', isGeneratorProcess: false }],
        processes: [{ role: 'agent', serves: expect.arrayContaining(['gateway', ...executors]) }],
      });
      const hostCsv = (await readAttachment(step, 'host-metrics.csv')).trimEnd().split('\n');
      expect(hostCsv[0]).toBe('second,agent,process,role,executor,shard,replica,pids,cpu_cores,rss_mb');
      expect(hostCsv.filter((line) => line.split(',')[3] === 'agent').length).toBe(summary.hostMetrics?.status === 'sampled' ? summary.hostMetrics.processes[0]!.seconds.length : -1);

      for (const chart of ['throughput and latency', 'time per executor', 'where the round trip went', 'CPU and memory per process']) {
        const svg = await readAttachment(step, chart);
        let root: string | undefined;
        const parser = new SaxesParser({ xmlns: true });
        parser.on('opentag', (tag) => (root ??= tag.local));
        expect(() => parser.write(svg).close(), `${step}: ${chart} is well-formed XML`).not.toThrow();
        expect(root).toBe('svg');
      }
    }
    expect(await readAttachment('collect_stats', 'stats.md')).toBe(await readFile(join(project.reportsDir, 'stats.md'), 'utf8'));
  });

  it('writes a stats table with one row per load step and the executors named from the routes', async () => {
    const lines = (await readFile(join(project.reportsDir, 'stats.md'), 'utf8')).split('\n').filter((line) => line.startsWith('|'));
    const [header = '', , ...rows] = lines;
    const columns = cellsOf(header);
    expect(columns).toEqual(expect.arrayContaining(['Task', 'Client', 'QPS', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', ...EXECUTORS.map((name) => `${name} (ms)`)]));
    expect(rows.map((row) => cellsOf(row)[0])).toEqual(['index', 'query']);
    const cell = (row: string, column: string) => cellsOf(row)[columns.indexOf(column)];
    // index runs encoder → indexer only; query adds the ranker.
    expect(rows.map((row) => cell(row, 'ranker (ms)'))).toEqual(['–', expect.stringMatching(/^\d+\.\d+$/)]);
    for (const row of rows) expect(cell(row, 'Result')).toBe('pass');
  });

  it('ships the reports folder to S3 under the TFID prefix, byte for byte', async () => {
    const client = createS3Client(s3.connection);
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client }, { Bucket: BUCKET })) keys.push(...(page.Contents ?? []).map((object) => object.Key ?? ''));
    expect(keys.every((key) => key.startsWith(`${TFID}/`)), keys.join('\n')).toBe(true);
    const paths = keys.map((key) => key.slice(TFID.length + 1));
    // What existed when the step ran, then what the plugin shipped after the run: allure-vitest
    // writes its results only when the whole run ends, and the HTML report is made from them.
    expect(paths).toEqual(expect.arrayContaining(['stats.md', 'stats.txt', 'stats.json', 'allure-report/index.html']));
    const resultKeys = paths.filter((path) => /^allure-results\/.+-result\.json$/.test(path));
    expect(resultKeys).toHaveLength(results.size);
    expect(run.output).toMatch(/jina-stress: \d+ file\(s\) to s3:\/\/[^ ]+\/allure-results\//);
    for (const path of paths) {
      const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `${TFID}/${path}` }));
      const stored = Buffer.from((await object.Body?.transformToByteArray()) ?? []);
      expect(stored.equals(await readFile(join(project.reportsDir, path))), `${path} arrived unchanged`).toBe(true);
      if (path === 'stats.md') expect(object.ContentType).toMatch(/^text\/markdown/);
    }
    client.destroy();
  });

  it('posts one Block Kit message to Slack with the title, the verdict, the stats table and the S3 links', () => {
    expect(slack.posts).toHaveLength(1);
    const { path, body } = slack.posts[0] as SlackPost;
    expect(path).toBe(WEBHOOK_PATH);
    expect(body.text).toBe('local.yaml end to end: passed');
    const texts = body.blocks.map((block) => ('text' in block ? block.text.text : 'elements' in block ? block.elements.map((element) => element.text).join(' ') : ''));
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '✅ local.yaml end to end' } });
    expect(texts).toContainEqual(expect.stringContaining(':white_check_mark: passed'));
    expect(texts).toContainEqual(expect.stringContaining(`*Run:* ${TFID}`));
    const table = texts.find((text) => text.startsWith('```')) ?? '';
    expect(table).toMatch(/^```Stats\nTask .*encoder \(ms\)\s+indexer \(ms\)\s+ranker \(ms\)/);
    expect(table).toMatch(/\nindex .* pass\nquery .* pass```$/);
    expect(texts).toContainEqual(expect.stringContaining(`<${s3.connection.endpoint}/${BUCKET}/${TFID}/stats.md|Stats>`));
    // Announced before the run ends, uploaded after it (checked in the S3 test above).
    expect(texts).toContainEqual(expect.stringContaining(`<${s3.connection.endpoint}/${BUCKET}/${TFID}/allure-report/index.html|Allure report>`));
  });

  it('writes the HTML report, and the webhook URL is in no file under reports/', async () => {
    const files = await readTree(project.reportsDir);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['allure-report/index.html', 'slack-message.json', 'stats.md', 'steps.json']));
    const leaking = [...files].filter(([, bytes]) => {
      const text = bytes.toString('latin1');
      return text.includes(slack.url) || text.includes(WEBHOOK_PATH) || text.includes('w3bh00kS3cr3tE2eLocal');
    });
    expect(leaking.map(([path]) => path)).toEqual([]);
  });

  describe('in headless Chromium', () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it("shows the query step's page with its attachments and a rendered chart, all from loopback", async (context) => {
      if (!browser) return skipOrFail(context, CHROMIUM_MISSING);
      const server = await serveDirectory(join(project.reportsDir, 'allure-report'));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      try {
        await page.goto(`${server.origin}/index.html`);
        // With more than a handful of tests Allure starts with the tree folded: config › job.
        for (const section of ['stress.yaml', JOB]) await page.getByTestId('tree-section-title').filter({ hasText: new RegExp(`^${section}$`) }).click();
        await page.getByTestId('tree-leaf-title').filter({ hasText: /^query$/ }).click();
        await expect.poll(() => page.getByTestId('test-result-info-title').textContent()).toBe('query');
        const headers = page.getByTestId('test-result-attachment-header');
        await expect.poll(() => headers.allTextContents()).toEqual(
          expect.arrayContaining(['throughput and latency', 'time per executor', 'summary.json', 'per-second.csv', 'latency percentiles (HDR, ms)'].map((name) => expect.stringContaining(name))),
        );

        await headers.filter({ hasText: 'throughput and latency' }).click();
        const chart = page.getByTestId('test-result-attachment').filter({ hasText: 'throughput and latency' });
        const image = chart.locator('img');
        const naturalWidth = () => image.evaluate((element) => {
          // tsconfig has no DOM lib; this runs in the page, where the element is an <img>.
          const loaded = element as unknown as { complete: boolean; naturalWidth: number };
          return loaded.complete ? loaded.naturalWidth : 0;
        });
        await expect.poll(naturalWidth, { timeout: 10_000 }).toBe(900);
        const box = await image.boundingBox();
        expect(box?.width).toBeGreaterThan(300);
        expect(box?.height).toBeGreaterThan(100);

        // The viewport is tall enough for the title, the attachment list and the open chart.
        for (const element of [page.getByTestId('test-result-info-title'), image, headers.last()]) {
          const where = await element.boundingBox();
          expect(where && where.y >= 0 && where.y + where.height <= 1400, 'on screen without scrolling').toBe(true);
        }
        const screenshotPath = join(project.reportsDir, 'query-load-step.png');
        const screenshot = await page.screenshot({ path: screenshotPath });
        await copyFile(screenshotPath, SCREENSHOT_COPY);
        await context.annotate(`screenshot of the query step's page: ${SCREENSHOT_COPY}`);
        expect(countPixelsNear(screenshot, QPS_RGB), 'the QPS line is on screen').toBeGreaterThan(300);
      } finally {
        await page.close();
        await server.close();
      }
      const offLoopback = requests.filter((url) => !url.startsWith(`${server.origin}/`) && !/^(data|blob):/.test(url));
      expect(offLoopback).toEqual([]);
      expect(requests.length).toBeGreaterThan(3);
    }, 60_000);
  });
});
