import { spawn } from 'node:child_process';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siblingModuleUrl } from '../sibling-module-url.ts';

export interface AllureHtmlOptions {
  resultsDir: string;
  outputDir: string;
  /** One self-contained index.html (attachments inlined): for S3, mail, CI artifacts. */
  singleFile?: boolean;
  /** Allure config; default: allure-report-config.ts (categories, grouping). */
  configPath?: string;
  reportName?: string;
}

export type AllureHtmlResult =
  | { status: 'generated'; outputDir: string; indexPath: string; singleFile: boolean; durationMs: number }
  | { status: 'no-results'; resultsDir: string }
  | { status: 'failed'; exitCode: number | null; output: string };

const defaultConfigPath = fileURLToPath(siblingModuleUrl('./allure-report-config.ts', import.meta.url));

/**
 * Allure's Awesome template always adds a Google Analytics tag (`analyticsEnable: true` is
 * hard-coded in @allurereport/plugin-awesome 3.18). A stress report must open offline and tell
 * nobody it was opened, so the tag and its inline config script are removed after generation.
 */
const ANALYTICS_BLOCK = /<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js[^"]*"><\/script>\s*<script>[\s\S]*?gtag\('config'[\s\S]*?<\/script>/g;

export function removeAnalytics(html: string): string {
  return html.replace(ANALYTICS_BLOCK, '');
}

async function hasResults(resultsDir: string): Promise<boolean> {
  try {
    return (await readdir(resultsDir)).some((name) => name.endsWith('-result.json'));
  } catch {
    return false;
  }
}

/** The allure CLI entry (its package exports only `.`, which runs the CLI when imported). */
function allureCliPath(): string {
  return createRequire(import.meta.url).resolve('allure');
}

function runAllure(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [allureCliPath(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (exitCode) => resolvePromise({ exitCode, output }));
  });
}

/** Every .html file the report has (the index, and per-widget pages in some versions). */
async function htmlFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.html')).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Generate the Allure HTML report with the npm `allure` CLI (offline: it needs no download),
 * then strip the analytics tag. A missing or empty results folder is a result, not a throw:
 * the caller says what to run first.
 */
export async function generateAllureHtml(options: AllureHtmlOptions): Promise<AllureHtmlResult> {
  const resultsDir = resolve(options.resultsDir);
  const outputDir = resolve(options.outputDir);
  if (!(await hasResults(resultsDir))) return { status: 'no-results', resultsDir };
  const startedAt = performance.now();
  const args = ['generate', resultsDir, '--output', outputDir, '--config', options.configPath ?? defaultConfigPath];
  if (options.reportName) args.push('--report-name', options.reportName);
  const env = { ...process.env, ALLURE_SINGLE_FILE: options.singleFile ? '1' : '0' };
  const { exitCode, output } = await runAllure(args, env);
  const indexPath = join(outputDir, 'index.html');
  const generated = exitCode === 0 && (await stat(indexPath).then(() => true, () => false));
  if (!generated) return { status: 'failed', exitCode, output };
  for (const file of await htmlFilesUnder(outputDir)) {
    const html = await readFile(file, 'utf8');
    const cleaned = removeAnalytics(html);
    if (cleaned !== html) await writeFile(file, cleaned);
  }
  return { status: 'generated', outputDir, indexPath, singleFile: options.singleFile ?? false, durationMs: performance.now() - startedAt };
}
