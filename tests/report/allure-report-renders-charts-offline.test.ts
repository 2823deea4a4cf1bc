import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../src/load/load-result.ts';
import { runAllureFixture, runReportScript } from './run-allure-fixture.ts';
import { serveDirectory } from './serve-directory.ts';
import { skipOrFail } from '../support/skip-or-fail.ts';

const CHROMIUM = process.env.JINA_STRESS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_MISSING = `${CHROMIUM} not found: the browser checks need Debian's chromium (apt-get install -y chromium)`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-component-update', '--disable-sync'];
/** The QPS line colour of the throughput chart (#4e79a7). */
const QPS_RGB = [0x4e, 0x79, 0xa7] as const;

interface AllureAttachment {
  name: string;
  source: string;
  type: string;
}
interface AllureResult {
  name: string;
  status: string;
  statusDetails?: { message?: string };
  labels: Array<{ name: string; value: string }>;
  parameters: Array<{ name: string; value: string }>;
  steps: Array<{ attachments: AllureAttachment[]; steps: unknown[] }>;
  attachments: AllureAttachment[];
}

async function readResults(dir: string): Promise<Map<string, AllureResult>> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('-result.json'));
  const results = await Promise.all(files.map(async (name) => JSON.parse(await readFile(join(dir, name), 'utf8')) as AllureResult));
  return new Map(results.map((result) => [result.name, result]));
}

const attachmentsOf = (result: AllureResult): AllureAttachment[] => [...result.attachments, ...result.steps.flatMap((step) => step.attachments)];

/** Pixels within a small distance of `rgb` in a PNG screenshot. */
function countPixelsNear(png: Buffer, rgb: readonly [number, number, number], tolerance = 24): number {
  const { data } = PNG.sync.read(png);
  let count = 0;
  for (let index = 0; index < data.length; index += 4) {
    const distance = Math.abs((data[index] ?? 0) - rgb[0]) + Math.abs((data[index + 1] ?? 0) - rgb[1]) + Math.abs((data[index + 2] ?? 0) - rgb[2]);
    if (distance <= tolerance) count += 1;
  }
  return count;
}

/** Every request the page makes, to prove the report stays on this machine. */
function recordRequests(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** Open the load step's page, expand both charts, return their rendered screenshots. */
async function openLoadStepCharts(page: Page): Promise<Buffer[]> {
  await page.getByTestId('tree-leaf-title').filter({ hasText: /^index$/ }).click();
  await expect.poll(() => page.getByTestId('test-result-info-title').textContent()).toBe('index');
  const screenshots: Buffer[] = [];
  for (const chart of ['throughput and latency', 'time per executor']) {
    await page.getByTestId('test-result-attachment-header').filter({ hasText: chart }).click();
    const image = page.getByTestId('test-result-attachment').filter({ hasText: chart }).locator('img');
    const renderedWidth = () => image.evaluate((element) => {
      // tsconfig has no DOM lib; this runs in the page, where the element is an <img>.
      const loaded = element as unknown as { complete: boolean; naturalWidth: number };
      return loaded.complete ? loaded.naturalWidth : 0;
    });
    await expect.poll(renderedWidth, { timeout: 10_000 }).toBe(900);
    screenshots.push(await image.screenshot());
  }
  return screenshots;
}

describe('Allure results and the HTML report', () => {
  let dir: string;
  let resultsDir: string;
  let results: Map<string, AllureResult>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'allure-report-'));
    resultsDir = join(dir, 'allure-results');
    const run = await runAllureFixture(resultsDir);
    // query (threshold) and terminate_flow (daemon down) fail on purpose.
    expect(run.output).toMatch(/2 failed \| 2 passed/);
    results = await readResults(resultsDir);
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('results carry labels, parameters, failure status and attachments that open and parse', async () => {
    expect([...results.keys()].sort()).toEqual(['index', 'query', 'start_flow', 'terminate_flow']);
    const index = results.get('index') as AllureResult;
    const label = (name: string) => [...new Set(index.labels.filter((entry) => entry.name === name).map((entry) => entry.value))];
    expect(label('parentSuite')).toEqual(['local.yaml']);
    expect(label('suite')).toEqual(['images-stress-test']);
    expect(label('feature')).toEqual(['index']);
    expect(label('story')).toEqual(['index']);
    expect(index.parameters).toContainEqual({ name: 'num_clients', value: '4' });
    // 1,000 expect() calls and six attachments: six steps, not a thousand (reportMatchers: false).
    expect(index.steps).toHaveLength(6);

    const byName = new Map(attachmentsOf(index).map((attachment) => [attachment.name, attachment]));
    const read = (name: string) => readFile(join(resultsDir, byName.get(name)?.source ?? 'missing'), 'utf8');
    const summary = JSON.parse(await read('summary.json')) as LoadResult;
    expect(summary.executors.map((executor) => executor.executor)).toEqual(['encoder', 'indexer']);
    expect((await read('per-second.csv')).split('\n')[0]).toBe('second,requests,docs,errors,p50_ms,p99_ms,encoder_mean_ms,indexer_mean_ms');
    expect(await read('latency percentiles (HDR, ms)')).toContain('Percentile TotalCount');
    for (const chart of ['throughput and latency', 'time per executor', 'where the round trip went']) {
      expect(byName.get(chart)?.type).toBe('image/svg+xml');
      const svg = await read(chart);
      expect(() => new SaxesParser({ xmlns: true }).write(svg).close()).not.toThrow();
    }

    const query = results.get('query') as AllureResult;
    expect(query.status).toBe('failed');
    expect(query.statusDetails?.message).toMatch(/^\[THRESHOLD\] Threshold breached in images-stress-test\/query: p99_ms measured/);
    expect(results.get('terminate_flow')?.status).toBe('broken');
    const environment = await readFile(join(resultsDir, 'environment.properties'), 'utf8');
    expect(environment).toContain('jina.jina=3.34.0');
  });

  it('npm run report writes an HTML report with no analytics tag, multi-file and single-file', async () => {
    for (const [output, extra] of [['html', []], ['single', ['--single-file']]] as const) {
      const run = await runReportScript(['--results', resultsDir, '--output', join(dir, output), ...extra]);
      expect(run.exitCode, run.output).toBe(0);
      const html = await readFile(join(dir, output, 'index.html'), 'utf8');
      expect(html).not.toContain('googletagmanager');
    }
    expect((await readdir(join(dir, 'single'))).filter((name) => name.endsWith('.js'))).toEqual([]);
  }, 120_000);

  it('a missing results folder is reported, not a crash', async () => {
    const run = await runReportScript(['--results', join(dir, 'nothing-here'), '--output', join(dir, 'none')]);
    // 2: the input is missing (the CLI's exit codes), not a failed run.
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('No Allure results in');
  }, 60_000);

  describe('in headless Chromium', () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) return;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it('the served report loads, categorises failures, shows the environment, renders the charts, and stays on loopback', async (context) => {
      if (!browser) return skipOrFail(context, CHROMIUM_MISSING);
      const server = await serveDirectory(join(dir, 'html'));
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests = recordRequests(page);
      try {
        await page.goto(`${server.origin}/index.html`);
        await expect.poll(() => page.getByTestId('tree-leaf-title').allTextContents()).toEqual(['start_flow', 'index', 'query', 'terminate_flow']);
        // One branch: config file > job (no duplicate tree from clashing suite labels).
        expect(await page.getByTestId('tree-section-title').allTextContents()).toEqual(['local.yaml', 'images-stress-test']);
        await expect.poll(() => page.getByTestId('metadata-list').textContent()).toContain('jina.jina3.34.0');
        const charts = await openLoadStepCharts(page);
        expect(countPixelsNear(charts[0] as Buffer, QPS_RGB)).toBeGreaterThan(300);
        // The page as a person sees it with the first chart scrolled into view.
        await page.getByTestId('test-result-attachment').filter({ hasText: 'throughput and latency' }).scrollIntoViewIfNeeded();
        const screenshot = await page.screenshot();
        await writeFile(process.env.REPORT_SCREENSHOT ?? join(dir, 'load-step.png'), screenshot);
        expect(countPixelsNear(screenshot, QPS_RGB)).toBeGreaterThan(300);

        await page.goto(`${server.origin}/index.html`);
        await page.getByTestId('nav-tab-categories').click();
        await expect.poll(() => page.locator('body').textContent()).toMatch(/Threshold breaches[\s\S]*Connection errors|Connection errors[\s\S]*Threshold breaches/);
      } finally {
        await page.close();
        await server.close();
      }
      const offLoopback = requests.filter((url) => !url.startsWith(`${server.origin}/`) && !/^(data|blob):/.test(url));
      expect(offLoopback).toEqual([]);
      expect(requests.length).toBeGreaterThan(3);
    }, 60_000);

    it('the single-file report opens from file:// with its charts and makes no other request', async (context) => {
      if (!browser) return skipOrFail(context, CHROMIUM_MISSING);
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const requests = recordRequests(page);
      try {
        await page.goto(pathToFileURL(join(dir, 'single', 'index.html')).href);
        const charts = await openLoadStepCharts(page);
        expect(countPixelsNear(charts[0] as Buffer, QPS_RGB)).toBeGreaterThan(300);
        expect(charts[1]?.length).toBeGreaterThan(5_000);
      } finally {
        await page.close();
      }
      expect(requests.filter((url) => !/^(file|data|blob):/.test(url))).toEqual([]);
    }, 60_000);
  });
});
