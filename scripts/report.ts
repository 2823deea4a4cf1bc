/**
 * `npm run report` in this repository: the same as `npx jina-stress report`.
 *
 *   npm run report                         # reports/allure-report/ (open with `npx allure open reports/allure-report`)
 *   npm run report -- --single-file        # one self-contained index.html, opens from file://
 *   npm run report -- <results-dir> --output dir
 */
import { reportCommand } from '../src/cli/report-command.ts';

process.exitCode = await reportCommand(process.argv.slice(2));
