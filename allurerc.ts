// For `npx allure generate` / `npx allure open` in this repository; the config itself lives
// in src/report so that the published package carries it.
export { default } from './src/report/allure-report-config.ts';
