import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocarrayVersion } from '../../src/protocol/document.ts';

/** fixtures/jina-captures: what live Jina 3.34 Flows sent (scripts/jina/run_probes.sh). */
export const capturesDir = join(import.meta.dirname, '../../fixtures/jina-captures');

export const docarrayVersions: DocarrayVersion[] = ['v1', 'v2'];

export function captureBytes(docarray: DocarrayVersion, name: string): Buffer {
  return readFileSync(join(capturesDir, docarray, name));
}

export function captureJson<T = any>(docarray: DocarrayVersion, name: string): T {
  return JSON.parse(readFileSync(join(capturesDir, docarray, name), 'utf8')) as T;
}

export function hasCapture(docarray: DocarrayVersion, name: string): boolean {
  return existsSync(join(capturesDir, docarray, name));
}

/** The DataRequestProto captures (gRPC and WebSocket bytes frames) with a decoded summary beside them. */
export const dataRequestCaptures = [
  'grpc-index-request',
  'grpc-index-response',
  'grpc-search-request',
  'grpc-search-response',
  'grpc-error-response',
  'grpc-executor-down-response',
  'ws-bytes-index-response',
  'ws-bytes-search-response',
  'ws-bytes-error-response',
] as const;

/** `report-<protocol>.json`: the probes append one pretty-printed object per Flow section. */
export function captureReport(docarray: DocarrayVersion, protocol: 'grpc' | 'http' | 'websocket'): Array<Record<string, any>> {
  const text = readFileSync(join(capturesDir, docarray, `report-${protocol}.json`), 'utf8').trim();
  // Top-level objects are the only ones that close at column 0.
  return JSON.parse(`[${text.replace(/\n\}\s*\n\{/g, '\n},{')}]`) as Array<Record<string, any>>;
}

/** The first section of a report that has `key`. */
export function reportEntry(docarray: DocarrayVersion, protocol: 'grpc' | 'http' | 'websocket', key: string): any {
  const section = captureReport(docarray, protocol).find((entry) => key in entry);
  if (!section) throw new Error(`no ${key} in ${docarray}/report-${protocol}.json`);
  return section[key];
}
