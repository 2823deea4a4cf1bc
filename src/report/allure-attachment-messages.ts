import type { RuntimeMessage } from 'allure-js-commons/sdk';
import type { ReportAttachment } from './load-attachments.ts';

/** What allure-vitest keeps of a test in its task meta (and so in a blob report). */
export interface AllureTaskMeta {
  allureRuntimeMessages?: RuntimeMessage[];
}

/**
 * A test's Allure runtime messages with its attachments replaced by `attachments`: what the
 * test would have sent had it attached them itself (allure-js-commons' `attachment()`).
 * Labels, parameters and links stay. A merge of generators' blobs uses it so that the one
 * Allure result of a load step carries the merged charts and numbers, not one generator's.
 */
export function replaceAllureAttachments(messages: readonly RuntimeMessage[], attachments: readonly ReportAttachment[], timestamp = Date.now()): RuntimeMessage[] {
  const kept = messages.filter((message) => message.type !== 'attachment_content' && message.type !== 'attachment_path');
  return [
    ...kept,
    ...attachments.map(
      (attachment): RuntimeMessage => ({
        type: 'attachment_content',
        data: {
          name: attachment.name,
          content: Buffer.from(attachment.body).toString('base64'),
          encoding: 'base64',
          contentType: attachment.contentType,
          wrapInStep: true,
          timestamp,
        },
      }),
    ),
  ];
}
