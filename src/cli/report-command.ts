import { EXIT_CODES } from '../exit-codes.ts';
import { generateAllureHtml } from '../report/allure-html-report.ts';
import { parseCommandLine } from './parse-command-line.ts';

const USAGE = `usage: jina-stress report [results-dir | --results dir] [--output dir] [--single-file] [--name title]

Turns Allure results (default reports/allure-results, written by npx vitest run) into the
offline HTML report: reports/allure-report/, or with --single-file one self-contained
index.html in reports/allure-report-single/ that opens from disk.
Exit: 0 written, 2 no results there (or bad usage), 1 allure failed.`;

export async function reportCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(
    argv,
    { results: { type: 'string' }, output: { type: 'string' }, 'single-file': { type: 'boolean', default: false }, name: { type: 'string' } },
    USAGE,
  );
  if (parsed.status === 'exit') return parsed.code;
  const { values, positionals } = parsed;
  if (positionals.length > 1 || (positionals.length === 1 && values.results)) {
    console.error(USAGE);
    return EXIT_CODES.invalid;
  }
  const singleFile = values['single-file'] ?? false;
  const result = await generateAllureHtml({
    resultsDir: positionals[0] ?? values.results ?? 'reports/allure-results',
    outputDir: values.output ?? (singleFile ? 'reports/allure-report-single' : 'reports/allure-report'),
    singleFile,
    ...(values.name ? { reportName: values.name } : {}),
  });
  switch (result.status) {
    case 'generated':
      console.log(`Allure report: ${result.indexPath} (${Math.round(result.durationMs)} ms)`);
      console.log(result.singleFile ? 'Open it directly in a browser.' : `Serve it: npx allure open ${result.outputDir}`);
      return EXIT_CODES.ok;
    case 'no-results':
      console.error(`No Allure results in ${result.resultsDir}: run the stress job first (npx vitest run).`);
      return EXIT_CODES.invalid;
    case 'failed':
      console.error(`allure generate failed (exit ${result.exitCode}):\n${result.output}`);
      return EXIT_CODES.failed;
  }
}
