import { expect, test } from 'vitest';
import { ArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { parseSegment, requestIdPrefix, segmentClients, segmentPlannedRequests, segmentShare } from '../../src/load/load-segment.ts';

const segmentsOf = (count: number) => Array.from({ length: count }, (_, position) => ({ index: position + 1, count }));

test('10 clients over 3 generators are 4+3+3, in disjoint blocks that cover every client', () => {
  const blocks = segmentsOf(3).map((segment) => segmentClients(10, segment));
  expect(blocks.map((block) => block.length)).toEqual([4, 3, 3]);
  expect(blocks).toEqual([[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  for (const total of [3, 7, 10, 11, 100, 101]) {
    for (const count of [1, 2, 3, 7]) {
      const shares = segmentsOf(count).map((segment) => segmentShare(total, segment));
      expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total);
      expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    }
  }
});

test('100 requests/s over 3 generators: planned requests add up to the schedule, rates to 100/s', () => {
  const schedule = new ArrivalSchedule({ arrivalRate: 100, durationS: 10 });
  const planned = segmentsOf(3).map((segment) => segmentPlannedRequests(schedule.count, segment));
  expect(planned).toEqual([334, 333, 333]);
  expect(planned.reduce((sum, part) => sum + part, 0)).toBe(schedule.count);
  // Rates as sent: each segment's requests over the phase's seconds.
  expect(planned.map((part) => part / 10).reduce((sum, rate) => sum + rate, 0)).toBeCloseTo(100, 9);
  // A ramp splits the same way: every n-th arrival of the one ramped schedule.
  const ramp = new ArrivalSchedule({ arrivalRate: 10, rampTo: 100, durationS: 7 });
  const rampParts = segmentsOf(4).map((segment) => segmentPlannedRequests(ramp.count, segment));
  expect(rampParts.reduce((sum, part) => sum + part, 0)).toBe(ramp.count);
});

test('STRESS_SEGMENT is read as i/n and anything else is refused with the fix', () => {
  expect(parseSegment('2/3')).toEqual({ index: 2, count: 3 });
  expect(parseSegment(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
  for (const bad of ['0/3', '4/3', '3', '1/0', 'a/b', '-1/2', '1.5/3', '']) {
    expect(() => parseSegment(bad)).toThrow(/STRESS_SEGMENT=.* is not a segment/);
  }
  expect(() => segmentClients(2, { index: 1, count: 3 })).toThrow(/num_clients 2 cannot be split over 3 generators/);
});

test('request id prefixes differ for every segment and shard and repeat for the same run', () => {
  const prefixes = new Set<string>();
  for (const segment of segmentsOf(5)) for (let shard = 0; shard < 4; shard++) prefixes.add(requestIdPrefix(segment, shard, 'run-1/job/step'));
  expect(prefixes.size).toBe(20);
  for (const prefix of prefixes) expect(prefix).toMatch(/^[0-9a-f]{16}$/);
  expect(requestIdPrefix({ index: 2, count: 3 }, 1, 'run-1/job/step')).toBe(requestIdPrefix({ index: 2, count: 3 }, 1, 'run-1/job/step'));
  expect(requestIdPrefix({ index: 2, count: 3 }, 1, 'run-2/job/step')).not.toBe(requestIdPrefix({ index: 2, count: 3 }, 1, 'run-1/job/step'));
});
