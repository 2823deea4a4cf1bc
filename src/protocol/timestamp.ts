import { StressError } from '../errors.ts';
import type { EpochMicros } from './data-request.ts';

/** google.protobuf.Timestamp as protobufjs encodes it; decoded `seconds` may be a Long. */
export interface TimestampMessage {
  seconds: number | { toNumber(): number };
  nanos: number;
}

/** How an RFC 3339 string ends: protobuf JSON writes `Z`, the HTTP gateway (pydantic) `+00:00`. */
export type TimezoneSuffix = 'Z' | '+00:00';

/**
 * Protobuf Timestamp → epoch microseconds. Sub-microsecond digits are dropped: Jina stamps
 * routes with Python datetimes, whose resolution is a microsecond.
 */
export function timestampToMicros(timestamp: TimestampMessage): EpochMicros {
  const seconds = typeof timestamp.seconds === 'number' ? timestamp.seconds : timestamp.seconds.toNumber();
  return seconds * 1_000_000 + Math.floor((timestamp.nanos ?? 0) / 1000);
}

export function microsToTimestamp(micros: EpochMicros): { seconds: number; nanos: number } {
  const whole = Math.floor(micros);
  const seconds = Math.floor(whole / 1_000_000);
  return { seconds, nanos: (whole - seconds * 1_000_000) * 1000 };
}

// Date, `T` (or a space, as Python's str(datetime) writes), time, 0-9 fraction digits,
// then `Z`, an offset, or nothing (a naive datetime: Jina stamps `datetime.utcnow()`).
const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** RFC 3339 (`Z`, `±hh:mm`, or no offset = UTC; 0-9 fraction digits) → epoch microseconds. */
export function parseRfc3339(text: string): EpochMicros {
  const match = rfc3339.exec(text);
  if (!match) throw badTimestamp(text);
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  const millis = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls over out-of-range parts (Feb 30 → Mar 2); a round trip catches that.
  const check = new Date(millis);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59) {
    throw badTimestamp(text);
  }
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return millis * 1000 + micros - offsetMinutes(zone) * 60_000_000;
}

function offsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
}

/**
 * Epoch microseconds → RFC 3339 in UTC. With `Z` the fraction has 0, 3 or 6 digits
 * (protobuf's JSON rule); with `+00:00` it has 0 or 6 (Python's `datetime.isoformat()`).
 */
export function formatRfc3339(micros: EpochMicros, suffix: TimezoneSuffix): string {
  const whole = Math.floor(micros);
  const millis = Math.floor(whole / 1000);
  const subMillis = whole - millis * 1000;
  const base = new Date(millis).toISOString().slice(0, 19);
  const microsOfSecond = (millis % 1000 + 1000) % 1000 * 1000 + subMillis;
  let fraction = '';
  if (microsOfSecond !== 0) {
    const six = String(microsOfSecond).padStart(6, '0');
    fraction = suffix === 'Z' && six.endsWith('000') ? `.${six.slice(0, 3)}` : `.${six}`;
  }
  return `${base}${fraction}${suffix}`;
}

function badTimestamp(text: string): StressError {
  return new StressError('PROTOCOL_DECODE', `not an RFC 3339 timestamp: ${JSON.stringify(text)}`, {
    hint: 'Expected e.g. 2024-05-01T12:00:00.123456Z or 2024-05-01T12:00:00.123456+00:00.',
  });
}
