import type { CapacityResult } from '../load/capacity-result.ts';
import type { LoadResult } from '../load/load-result.ts';
import { renderCapacityChart } from './capacity-chart.ts';
import { buildLoadAttachments, type ReportAttachment } from './load-attachments.ts';
import { redactDeep } from './redact-secrets.ts';

/**
 * What find_capacity attaches: the latency-vs-offered-load chart and every probe first (the
 * answer at a glance), then the usual attachments of the reported probe (the highest passing
 * rate), whose summary.json carries the whole search under `capacity`.
 */
export function buildCapacityAttachments(report: LoadResult): ReportAttachment[] {
  const capacity = report.capacity;
  if (!capacity) return buildLoadAttachments(report);
  return [
    { name: 'latency vs offered load', contentType: 'image/svg+xml', body: renderCapacityChart(report.job, report.step, capacity) },
    { name: 'probes.csv', contentType: 'text/csv', body: renderProbesCsv(capacity) },
    { name: 'capacity.json', contentType: 'application/json', body: `${JSON.stringify(redactDeep(capacity), null, 2)}\n` },
    ...buildLoadAttachments(report),
  ];
}

/** One row per probe, in the order run. */
export function renderProbesCsv(capacity: CapacityResult): string {
  const header = ['probe', 'phase', 'runs', 'offered_rate', 'achieved_rate', 'requests', 'errors', 'cut_off', 'p50_ms', 'p99_ms', 'objective_p99_ms', 'generator_share', 'verdict', 'marginal', 'notes'];
  const rows = capacity.probes.map((probe) => {
    const objectiveP99 = probe.outcomes.find((outcome) => outcome.name === 'p99_ms')?.measured;
    return [
      probe.index,
      probe.phase,
      probe.runs,
      probe.offeredRate,
      probe.achievedRate.toFixed(2),
      probe.requests,
      probe.errors,
      probe.cutOff,
      probe.p50Ms.toFixed(3),
      probe.p99Ms.toFixed(3),
      objectiveP99 === undefined ? '' : objectiveP99.toFixed(3),
      probe.generatorShare === undefined ? '' : probe.generatorShare.toFixed(3),
      probe.passed ? 'pass' : 'fail',
      probe.marginal,
      csvText(probe.notes.join('; ')),
    ].join(',');
  });
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

function csvText(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
