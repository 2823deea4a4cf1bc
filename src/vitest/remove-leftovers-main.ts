// Entry of the detached process started on Ctrl+C (see install-interrupt-cleanup.ts): reads
// the leftovers from stdin, removes them, and writes what happened next to the reports.
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { removeLeftovers, type LeftoverResources } from './remove-leftovers.ts';

const reportsDir = process.env.JINA_STRESS_REPORTS_DIR ?? 'reports';
const leftovers = JSON.parse(await text(process.stdin)) as LeftoverResources[];
const lines = await removeLeftovers(leftovers);
await mkdir(reportsDir, { recursive: true });
await appendFile(join(reportsDir, 'interrupt-cleanup.log'), `${new Date().toISOString()}\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
