import type { LoadResult } from '../load/load-result.ts';
import { csvField } from './series-csv.ts';

const header = ['second', 'agent', 'process', 'role', 'executor', 'shard', 'replica', 'pids', 'cpu_cores', 'rss_mb'];

/**
 * Host metrics, one row per second per process (long form: the number of processes differs
 * between Flows and hosts), plus a `(host)` row per agent and second with the host's busy cores
 * and used memory. Sorted by second, then agent, host first.
 */
export function renderHostMetricsCsv(report: LoadResult): string {
  const metrics = report.hostMetrics;
  const rows: Array<Array<string | number>> = [];
  if (metrics?.status === 'sampled') {
    for (const agent of metrics.agents) {
      if (agent.status !== 'sampled') continue;
      for (const second of agent.seconds) {
        rows.push([second.second, agent.agent, '(host)', 'host', '', '', '', '', second.cpuCores ?? '', megabytes(second.memoryUsedBytes)]);
      }
    }
    for (const process of metrics.processes) {
      const name = process.role === 'agent' ? `agent process [${(process.serves ?? []).join(' ')}]` : process.name;
      for (const second of process.seconds) {
        rows.push([second.second, process.agent, name, process.role, process.executor ?? '', process.shard ?? '', process.replica ?? '', process.pids.join(' '), second.cpuCores, megabytes(second.rssBytes)]);
      }
    }
  }
  rows.sort((a, b) => (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1])) || Number(b[3] === 'host') - Number(a[3] === 'host'));
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function megabytes(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 1000) / 1000;
}
