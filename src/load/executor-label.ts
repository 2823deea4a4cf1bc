import type { LoadResult } from './load-result.ts';

/**
 * How reports name an executor: `indexer@10.1.0.3` when the job placed it on another host
 * (issue 13), else its name. Keys stay the plain names (thresholds name executors so).
 */
export function executorLabel(report: Pick<LoadResult, 'executorHosts'>, executor: string): string {
  const host = report.executorHosts?.[executor];
  return host ? `${executor}@${host}` : executor;
}
