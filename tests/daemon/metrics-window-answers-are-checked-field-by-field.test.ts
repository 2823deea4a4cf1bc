import { describe, expect, it } from 'vitest';
import { parseMetricsWindowRead, parseMetricsWindowStart } from '../../src/daemon/agent-metrics.ts';

// What an agent (another machine) answers on /metrics/windows is checked before a report keeps
// it: a malformed sample fails the whole read, unknown fields are dropped, names become camelCase.
const process = { key: 'f1/encoder/rep-0', flow_id: 'f1', role: 'executor', name: 'encoder/rep-0', executor: 'encoder', replica: 0, pids: [41, 42], cpu_cores: 0.5, rss_bytes: 1024 };
const sample = { seq: 3, at_ms: 1000, interval_ms: 1000, host: { cpu_cores: 1.5, memory_used_bytes: 10, memory_total_bytes: 20 }, processes: [process] };
const read = (patch: Record<string, unknown> = {}) => ({ window_id: 'w1', state: 'sampling', dropped: 0, samples: [{ ...sample, processes: [{ ...process, ...patch }] }] });

describe('metrics window answers', () => {
  it('a well-formed read becomes camelCase samples with the process identity as sent, extra fields dropped', () => {
    expect(parseMetricsWindowRead(read({ command: 'python -c evil', environ: { TOKEN: 'x' } }))).toEqual({
      state: 'sampling',
      dropped: 0,
      samples: [
        {
          seq: 3,
          atMs: 1000,
          intervalMs: 1000,
          hostCpuCores: 1.5,
          memoryUsedBytes: 10,
          memoryTotalBytes: 20,
          processes: [{ key: 'f1/encoder/rep-0', flowId: 'f1', role: 'executor', name: 'encoder/rep-0', executor: 'encoder', replica: 0, pids: [41, 42], cpuCores: 0.5, rssBytes: 1024 }],
        },
      ],
    });
  });

  it.each([
    ['an unknown role', { role: 'root' }],
    ['a pid that is a string', { pids: ['41'] }],
    ['CPU that is not a number', { cpu_cores: '0.5' }],
    ['no key', { key: undefined }],
    ['serves that is not a list of names', { serves: 'gateway' }],
    ['a shard that is not a number', { shard: '1' }],
  ])('%s fails the whole read', (_what, patch) => {
    expect(parseMetricsWindowRead(read(patch))).toBeUndefined();
  });

  it('a non-finite CPU value and an unknown state fail the read', () => {
    expect(parseMetricsWindowRead(read({ cpu_cores: Infinity }))).toBeUndefined();
    expect(parseMetricsWindowRead({ ...read(), state: 'running' })).toBeUndefined();
  });

  it('a start answer needs pid, cores and memory; a boot id that is not a string is left out', () => {
    const start = { window_id: 'w1', interval_ms: 1000, now_ms: 5, expires_at: '2026-12-06T00:00:00Z', agent: { pid: 7, boot_id: 'b-1', cores: 2, memory_total_bytes: 99 } };
    expect(parseMetricsWindowStart(start)).toEqual({ windowId: 'w1', intervalMs: 1000, agentNowMs: 5, agent: { pid: 7, bootId: 'b-1', cores: 2, memoryTotalBytes: 99 } });
    expect(parseMetricsWindowStart({ ...start, agent: { ...start.agent, boot_id: 12 } })).toEqual({ windowId: 'w1', intervalMs: 1000, agentNowMs: 5, agent: { pid: 7, cores: 2, memoryTotalBytes: 99 } });
    expect(parseMetricsWindowStart({ ...start, agent: { ...start.agent, cores: undefined } })).toBeUndefined();
  });
});
