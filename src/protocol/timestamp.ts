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
  // Every HTTP answer carries four of these (two routes); the regex, its match array and a
  // Date per call were ~0.6 µs each, most of reading an answer's routes.
  const fast = parseByPosition(text);
  return fast === undefined ? parseByRegex(text) : fast;
}

function parseByRegex(text: string): EpochMicros {
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

/** The date part last read, already validated, and its epoch milliseconds at 00:00 UTC. */
let cachedDay = '';
let cachedDayMillis = 0;

/**
 * The same value as `parseByRegex` for what it accepts, read by character position without
 * allocating; undefined for anything else (the regex then parses it or says why it cannot).
 * Routes of one answer share their day, so the date is checked once and cached.
 */
function parseByPosition(text: string): EpochMicros | undefined {
  const length = text.length;
  if (length < 19 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const separator = text.charCodeAt(10);
  if (separator !== 84 && separator !== 116 && separator !== 32) return undefined;
  const h = twoDigits(text, 11);
  const mi = twoDigits(text, 14);
  const s = twoDigits(text, 17);
  if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 59) return undefined;
  let dayMillis: number;
  if (cachedDay.length === 10 && text.startsWith(cachedDay)) dayMillis = cachedDayMillis;
  else {
    const century = twoDigits(text, 0);
    const yearOfCentury = twoDigits(text, 2);
    const mo = twoDigits(text, 5);
    const d = twoDigits(text, 8);
    if (century < 0 || yearOfCentury < 0 || mo < 0 || d < 0) return undefined;
    const y = century * 100 + yearOfCentury;
    // As the regex path: Date.UTC (years 0-99 are 1900-1999 to it) and a round trip that
    // catches rolled-over dates (Feb 30 → Mar 2).
    dayMillis = Date.UTC(y, mo - 1, d);
    const check = new Date(dayMillis);
    if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
    cachedDay = text.slice(0, 10);
    cachedDayMillis = dayMillis;
  }
  let i = 19;
  let micros = 0;
  if (text.charCodeAt(i) === 46) {
    const first = ++i;
    while (i < length && isDigit(text.charCodeAt(i))) {
      if (i - first < 6) micros = micros * 10 + (text.charCodeAt(i) - 48);
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 9) return undefined;
    for (let k = digits; k < 6; k++) micros *= 10;
  }
  let offset = 0;
  if (i < length) {
    const zone = text.charCodeAt(i);
    if ((zone === 90 || zone === 122) && i + 1 === length) offset = 0;
    else if (zone === 43 || zone === 45) {
      const oh = twoDigits(text, i + 1);
      const colon = text.charCodeAt(i + 3) === 58 ? 1 : 0;
      const om = twoDigits(text, i + 3 + colon);
      if (oh < 0 || om < 0 || i + 5 + colon !== length) return undefined;
      offset = (zone === 45 ? -1 : 1) * (oh * 60 + om);
    } else return undefined;
  }
  return (dayMillis + ((h * 60 + mi) * 60 + s) * 1000) * 1000 + micros - offset * 60_000_000;
}

/** The two decimal digits at `at`, or -1. */
function twoDigits(text: string, at: number): number {
  const a = text.charCodeAt(at) - 48;
  const b = text.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
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
