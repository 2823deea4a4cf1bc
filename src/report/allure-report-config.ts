// Types only: importing a value from 'allure' runs its CLI.
import type { AllureConfig } from 'allure';
import { allureCategories } from './failure-categories.ts';

/**
 * Allure 3 config of the HTML report (`jina-stress report`, the ship-reports reporter, and
 * `npx allure generate` through the repository's allurerc.ts). Allure loads it with jiti, from
 * the sources or the compiled package alike: the categories are the same objects the failure
 * messages are tested against. `ALLURE_SINGLE_FILE=1` makes one self-contained index.html
 * (attachments inlined) for uploading or mailing.
 */
export const allureReportConfig: AllureConfig = {
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

export default allureReportConfig;
