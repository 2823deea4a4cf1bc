import * as allure from 'allure-js-commons';
import type { AllureMetadata } from './allure-metadata.ts';
import type { AttachFunction } from './load-attachments.ts';

/**
 * Apply labels and parameters to the running test. Must be called inside a test of a run that
 * has the allure-vitest setup file; elsewhere allure-js-commons silently does nothing.
 *
 * allure-vitest adds its own parentSuite/suite labels from the describe() path and labels can
 * only be added, never replaced: nest `describe(<config file name>) > describe(<job>)` so its
 * labels equal these. With `describe(<job>)` alone every test shows twice in the report tree.
 */
export async function applyAllureMetadata(metadata: AllureMetadata): Promise<void> {
  await allure.labels(...metadata.labels);
  for (const parameter of metadata.parameters) await allure.parameter(parameter.name, parameter.value);
}

/** A StepContext `attach` that writes Allure attachments of the running test. */
export const attachToAllure: AttachFunction = async (name, contentType, body) => {
  await allure.attachment(name, typeof body === 'string' ? body : Buffer.from(body), contentType);
};

/**
 * Why a step was skipped, as the test's Allure description: allure-vitest reports a skipped
 * test without the note given to `skip()` and without annotations.
 */
export async function explainSkipInAllure(reason: string): Promise<void> {
  await allure.description(reason);
}
