import { StressError } from '../errors.ts';
import { documentId } from '../inputs/document-id.ts';

/**
 * One generator's part of every load step when a job runs from several machines
 * (`STRESS_SEGMENT=i/n`, 1-based like k6's execution segments are read by people).
 */
export interface LoadSegment {
  /** 1..count */
  index: number;
  count: number;
}

export const SEGMENT_ENV = 'STRESS_SEGMENT';

/** The whole step: what a run without segments is. */
export const WHOLE_SEGMENT: LoadSegment = { index: 1, count: 1 };

/** Reads `i/n` (e.g. `2/3`); a clear error names the source and what is expected. */
export function parseSegment(text: string, source = SEGMENT_ENV): LoadSegment {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count || count > 0xffff) {
    throw new StressError('CONFIG_INVALID', `${source}=${JSON.stringify(text)} is not a segment`, {
      hint: 'Write i/n with 1 <= i <= n <= 65535, e.g. 2/3 for the second of three generators.',
    });
  }
  return { index, count };
}

/**
 * Segment i's exact share of an integer total: the first `total % n` segments get one more,
 * so the n shares add up to the total (10 over 3 → 4+3+3) and none is lost to rounding.
 */
export function segmentShare(total: number, segment: LoadSegment): number {
  const base = Math.floor(total / segment.count);
  return base + (segment.index - 1 < total % segment.count ? 1 : 0);
}

/** Global client numbers of the segment: a contiguous block, so inputs keyed by client differ across generators. */
export function segmentClients(numClients: number, segment: LoadSegment): number[] {
  if (numClients < segment.count) {
    throw new StressError('CONFIG_INVALID', `num_clients ${numClients} cannot be split over ${segment.count} generators`, {
      hint: 'Every generator needs at least one client: raise num_clients or run fewer segments.',
    });
  }
  let first = 0;
  for (let index = 1; index < segment.index; index++) first += segmentShare(numClients, { index, count: segment.count });
  return Array.from({ length: segmentShare(numClients, segment) }, (_, offset) => first + offset);
}

/**
 * Open model: the segment takes requests i−1, i−1+n, i−1+2n, … of the one global arrival
 * schedule (ramps included), so the n segments interleave exactly: their planned requests
 * add up to the schedule's count and each runs at 1/n of the rate at every moment.
 */
export function segmentPlannedRequests(scheduleCount: number, segment: LoadSegment): number {
  return Math.max(0, Math.ceil((scheduleCount - (segment.index - 1)) / segment.count));
}

/**
 * The 16-hex prefix of a shard's request ids: segment (4 hex) and shard (4 hex) make ids
 * unique across generators by construction; the last 8 hex come from the run and step, so
 * the same run id gives the same ids on a rerun.
 */
export function requestIdPrefix(segment: LoadSegment, shardIndex: number, phaseKey: string): string {
  return (segment.index - 1).toString(16).padStart(4, '0') + shardIndex.toString(16).padStart(4, '0') + documentId(phaseKey).slice(0, 8);
}
