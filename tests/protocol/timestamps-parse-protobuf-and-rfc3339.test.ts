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
  ])('parses %s', (text, micros) => {
    expect(parseRfc3339(text)).toBe(micros);
  });

  it.each(['2022-04-01', '2022-02-30T00:00:00Z', '2022-04-01T25:00:00Z', 'yesterday', '2022-04-01T13:11:57.1234567890Z'])(
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
