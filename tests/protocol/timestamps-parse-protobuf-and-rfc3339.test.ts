import { describe, expect, it } from 'vitest';
import Long from 'long';
import { isStressError } from '../../src/errors.ts';
import { formatRfc3339, microsToTimestamp, parseRfc3339, timestampToMicros } from '../../src/protocol/timestamp.ts';

const base = Date.UTC(2022, 3, 1, 13, 11, 57) * 1000; // 2022-04-01T13:11:57Z in µs

describe('timestamps', () => {
  it.each([
    ['2022-04-01T13:11:57Z', base],
    ['2022-04-01T13:11:57.9Z', base + 900_000],
    ['2022-04-01T13:11:57.992Z', base + 992_000],
    ['2022-04-01T13:11:57.992497Z', base + 992_497],
    ['2022-04-01T13:11:57.992497123Z', base + 992_497],
    ['2022-04-01T13:11:57.992497+00:00', base + 992_497],
    ['2022-04-01T15:11:57.992497+02:00', base + 992_497],
    ['2022-04-01T08:41:57.5-04:30', base + 500_000],
    ['2022-04-01T13:11:57.992497', base + 992_497],
    ['2022-04-01 13:11:57.992497', base + 992_497],
    ['2022-04-01t13:11:57.992497z', base + 992_497],
    ['2022-04-01T15:11:57.992497+0200', base + 992_497],
    ['2022-04-01T13:11:57.000001+00:00', base + 1],
    ['2022-04-01T13:11:57.0000009Z', base],
    ['0050-01-01T00:00:00Z', Date.UTC(1950, 0, 1) * 1000],
    ['2024-02-29T23:59:59.999999-00:00', Date.UTC(2024, 1, 29, 23, 59, 59) * 1000 + 999_999],
  ])('parses %s', (text, micros) => {
    expect(parseRfc3339(text)).toBe(micros);
  });

  it.each([
    '2022-04-01',
    '2022-02-30T00:00:00Z',
    '2022-04-01T25:00:00Z',
    'yesterday',
    '2022-04-01T13:11:57.1234567890Z',
    '2022-04-01T13:11:60Z',
    '2022-04-01T13:60:00Z',
    '2022-13-01T00:00:00Z',
    '2022-00-10T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2022-04-01T13:11:57.Z',
    '2022-04-01T13:11:57+02',
    '2022-04-01T13:11:57+02:0',
    '2022-04-01T13:11:57Zjunk',
    '2022-04-01T13:11:57.5 ',
    '2022-04-01X13:11:57Z',
    '2022-4-01T13:11:57Z',
    '2022-04-01T13:1a:57Z',
    '2O22-04-01T13:11:57Z',
  ])(
    'rejects %s with PROTOCOL_DECODE',
    (text) => {
      expect(() => parseRfc3339(text)).toThrow(expect.objectContaining({ code: 'PROTOCOL_DECODE' }));
      try {
        parseRfc3339(text);
      } catch (error) {
        expect(isStressError(error, 'PROTOCOL_DECODE')).toBe(true);
      }
    },
  );

  it('reads each timestamp on its own, whatever day the previous one had', () => {
    // Routes of one answer share their day, which the parser caches: a different day, an
    // invalid one after a valid one of the same month, and the valid one again.
    const at = (day: number, micros: number): number => Date.UTC(2024, 1, day, 10, 0, 0) * 1000 + micros;
    expect(parseRfc3339('2024-02-28T10:00:00.000001+00:00')).toBe(at(28, 1));
    expect(parseRfc3339('2024-02-29T10:00:00.000002+00:00')).toBe(at(29, 2));
    expect(() => parseRfc3339('2024-02-30T10:00:00.000003+00:00')).toThrow(expect.objectContaining({ code: 'PROTOCOL_DECODE' }));
    expect(parseRfc3339('2024-02-29T10:00:00.000004+00:00')).toBe(at(29, 4));
    expect(parseRfc3339('2024-02-28T10:00:00.000005Z')).toBe(at(28, 5));
  });

  it('parses every layout of every second of a day the same as Date.UTC computes it', () => {
    // Independent ground truth: the components through Date.UTC, in every suffix and fraction
    // length the gateways write (pydantic +00:00, protobuf Z, a naive datetime, a space).
    for (let second = 0; second < 86_400; second += 37) {
      const h = Math.floor(second / 3600);
      const mi = Math.floor(second / 60) % 60;
      const s = second % 60;
      const micros = (second * 7919) % 1_000_000;
      const expected = Date.UTC(2026, 11, 6, h, mi, s) * 1000 + micros;
      const clock = `${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
      const six = String(micros).padStart(6, '0');
      for (const text of [`2026-12-06T${clock}.${six}+00:00`, `2026-12-06T${clock}.${six}Z`, `2026-12-06 ${clock}.${six}`, `2026-12-06T${clock}.${six}000Z`]) {
        expect(parseRfc3339(text)).toBe(expected);
      }
      expect(parseRfc3339(`2026-12-06T${clock}Z`)).toBe(expected - micros);
      expect(parseRfc3339(`2026-12-06T${clock}.${six.slice(0, 3)}-01:30`)).toBe(expected - micros + Math.floor(micros / 1000) * 1000 + 90 * 60_000_000);
    }
  });

  it('formats like protobuf JSON (Z, 0/3/6 digits) and like pydantic (+00:00, 0/6 digits)', () => {
    expect(formatRfc3339(base, 'Z')).toBe('2022-04-01T13:11:57Z');
    expect(formatRfc3339(base + 992_000, 'Z')).toBe('2022-04-01T13:11:57.992Z');
    expect(formatRfc3339(base + 992_497, 'Z')).toBe('2022-04-01T13:11:57.992497Z');
    expect(formatRfc3339(base + 992_000, '+00:00')).toBe('2022-04-01T13:11:57.992000+00:00');
    expect(formatRfc3339(base, '+00:00')).toBe('2022-04-01T13:11:57+00:00');
    expect(parseRfc3339(formatRfc3339(base + 7, 'Z'))).toBe(base + 7);
  });

  it('converts protobuf Timestamps, with seconds as a number or a Long', () => {
    expect(timestampToMicros({ seconds: 1_648_818_717, nanos: 992_497_999 })).toBe(1_648_818_717_992_497);
    expect(timestampToMicros({ seconds: Long.fromNumber(1_648_818_717), nanos: 5_000 })).toBe(1_648_818_717_000_005);
    expect(microsToTimestamp(1_648_818_717_992_497)).toEqual({ seconds: 1_648_818_717, nanos: 992_497_000 });
    expect(microsToTimestamp(-1)).toEqual({ seconds: -1, nanos: 999_999_000 });
  });
});
