import { createReadStream } from 'node:fs';
import FormData from 'form-data';
import type { UploadFile } from './daemon-api.ts';

/**
 * A multipart body: each file as a part of `fieldName`, then the form fields. Built anew
 * for every attempt, since a sent body's file streams are spent.
 */
export function buildUploadForm(fieldName: string, files: UploadFile[], fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const file of files) {
    // `filepath` rather than `filename`: form-data keeps only the basename of `filename`,
    // and the daemon needs sub-folders (`executors/encoder.yml`) intact.
    form.append(fieldName, createReadStream(file.path), { filepath: file.name });
  }
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}
