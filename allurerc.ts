// Types only: importing a value from 'allure' runs its CLI.
import type { AllureConfig } from 'allure';
import { allureCategories } from './src/report/failure-categories.ts';

/**
 * Allure 3 config for `npm run report` (and `npx allure generate`). Allure loads this file with
 * jiti, so it can import the project's TypeScript: the categories here are the same objects the
 * failure messages are tested against. `ALLURE_SINGLE_FILE=1` makes one self-contained
 * index.html (attachments inlined) for uploading or mailing.
 */
const config: AllureConfig = {
  name: process.env.ALLURE_REPORT_NAME ?? 'jina-stress',
  output: './reports/allure-report',
  resultsDir: './reports/allure-results',
  categories: { rules: allureCategories() },
  plugins: {
    awesome: {
      options: {
        singleFile: process.env.ALLURE_SINGLE_FILE === '1',
        reportLanguage: 'en',
        groupBy: ['parentSuite', 'suite', 'subSuite'],
      },
    },
  },
};

export default config;
