/**
 * `npm run report` — Allure HTML from reports/allure-results.
 *
 *   npm run report                         # reports/allure-report/ (open with `npx allure open reports/allure-report`)
 *   npm run report -- --single-file        # one self-contained index.html, opens from file://
 *   npm run report -- --results dir --output dir
 */
import { parseArgs } from 'node:util';
import { generateAllureHtml } from '../src/report/allure-html-report.ts';

const { values } = parseArgs({
  options: {
    results: { type: 'string', default: 'reports/allure-results' },
    output: { type: 'string' },
    'single-file': { type: 'boolean', default: false },
    name: { type: 'string' },
  },
});

const singleFile = values['single-file'] ?? false;
const result = await generateAllureHtml({
  resultsDir: values.results ?? 'reports/allure-results',
  outputDir: values.output ?? (singleFile ? 'reports/allure-report-single' : 'reports/allure-report'),
  singleFile,
  ...(values.name ? { reportName: values.name } : {}),
});

switch (result.status) {
  case 'generated':
    console.log(`Allure report: ${result.indexPath} (${Math.round(result.durationMs)} ms)`);
    console.log(result.singleFile ? 'Open it directly in a browser.' : `Serve it: npx allure open ${result.outputDir}`);
    break;
  case 'no-results':
    console.error(`No Allure results in ${result.resultsDir}: run the stress job first (npx vitest run).`);
    process.exitCode = 1;
    break;
  case 'failed':
    console.error(`allure generate failed (exit ${result.exitCode}):\n${result.output}`);
    process.exitCode = 1;
    break;
}
