import { describe, expect, test } from 'vitest';
import { hodgesLehmannShift, mannWhitneyU, median, normalQuantile, normalSf } from '../../src/load/mann-whitney-u.ts';

// Expected values computed once with scipy 1.17.1 (`scipy.stats.mannwhitneyu(x, y,
// alternative=…)`, its default method `auto`), in a throwaway venv: [U of x, p-value].
const cases = {
  exactSmall: {
    x: [19.1, 21.3, 20.4, 22.8],
    y: [23.9, 25.2, 24.4, 26.0, 22.9],
    scipy: { 'two-sided': [0, 0.015873015873015872], greater: [0, 1], less: [0, 0.007936507936507936] },
    method: 'exact',
  },
  exactOverlap: {
    x: [1.2, 3.4, 2.2, 5.1, 0.7, 4.4],
    y: [2.9, 6.1, 3.3, 5.8, 4.9, 7.2, 3.0],
    scipy: { 'two-sided': [10, 0.13752913752913754], greater: [10, 0.9493006993006993], less: [10, 0.06876456876456877] },
    method: 'exact',
  },
  // Integer requests per second: ties, so the normal approximation with the tie correction.
  asymptoticTies: {
    x: [198, 201, 199, 200, 198, 202, 197, 200, 199, 201],
    y: [190, 195, 198, 193, 196, 194, 198, 192, 197, 195, 191],
    scipy: { 'two-sided': [105.5, 0.0004029144523756583], greater: [105.5, 0.00020145722618782915], less: [105.5, 0.9998462691980711] },
    method: 'asymptotic',
  },
  asymptoticLarge: {
    x: Array.from({ length: 30 }, (_, i) => i + 1),
    y: Array.from({ length: 25 }, (_, i) => i + 1 + 7.5),
    scipy: { 'two-sided': [253, 0.04000233106564058], greater: [253, 0.9808032097314452], less: [253, 0.02000116553282029] },
    method: 'asymptotic',
  },
} as const;

describe('mannWhitneyU', () => {
  for (const [name, { x, y, scipy, method }] of Object.entries(cases)) {
    for (const [alternative, [u, p]] of Object.entries(scipy)) {
      test(`${name}, ${alternative}: U and p as scipy computes them`, () => {
        const result = mannWhitneyU(x, y, alternative as 'two-sided' | 'greater' | 'less');
        expect(result.method).toBe(method);
        expect(result.u).toBe(u);
        // erfc to ~1e-7 relative: p-values agree to 6 significant digits.
        expect(result.pValue).toBeCloseTo(p, 6);
        expect(Math.abs(result.pValue - p) / p).toBeLessThan(1e-5);
      });
    }
  }

  test('the smallest exact one-sided p of 4 against 4 is 1/C(8,4) = 1/70', () => {
    expect(mannWhitneyU([5, 6, 7, 8], [1, 2, 3, 4], 'greater').pValue).toBeCloseTo(1 / 70, 12);
  });
});

describe('hodgesLehmannShift', () => {
  test('the shift is the median of the pairwise differences', () => {
    // Differences of [10, 12] against [1, 4]: 9, 6, 11, 8 → median 8.5.
    expect(hodgesLehmannShift([10, 12], [1, 4], 0.05).shift).toBe(8.5);
  });

  test('its interval is the set of shifts the one-sided tests at alpha do not reject (test inversion)', () => {
    const x = [23.1, 25.4, 24.0, 27.9, 22.8, 26.2];
    const y = [20.2, 21.9, 19.5, 22.4, 23.0, 21.1, 20.7];
    const alpha = 0.05;
    const { low, high, confidence } = hodgesLehmannShift(x, y, alpha);
    expect(confidence).toBeCloseTo(0.9, 12);
    const rejectsGreater = (d: number) => mannWhitneyU(x.map((v) => v - d), y, 'greater').pValue <= alpha;
    const rejectsLess = (d: number) => mannWhitneyU(x.map((v) => v - d), y, 'less').pValue <= alpha;
    // Just inside the interval neither side rejects; just outside, one does.
    const eps = 1e-6;
    expect(rejectsGreater(low + eps)).toBe(false);
    expect(rejectsGreater(low - eps)).toBe(true);
    expect(rejectsLess(high - eps)).toBe(false);
    expect(rejectsLess(high + eps)).toBe(true);
  });

  test('with too few samples for the test to reach alpha the interval is unbounded', () => {
    const { low, high } = hodgesLehmannShift([5, 6], [1, 2], 0.05); // smallest p = 1/6
    expect(low).toBe(Number.NEGATIVE_INFINITY);
    expect(high).toBe(Number.POSITIVE_INFINITY);
  });

  test('large samples use the normal approximation and still cover the true shift', () => {
    const y = Array.from({ length: 40 }, (_, i) => 100 + ((i * 37) % 17));
    const x = y.map((v) => v + 5);
    const { shift, low, high } = hodgesLehmannShift(x, y, 0.05);
    expect(shift).toBe(5);
    expect(low).toBeLessThanOrEqual(5);
    expect(high).toBeGreaterThanOrEqual(5);
    expect(low).toBeGreaterThan(0);
  });
});

describe('normal distribution helpers', () => {
  test('textbook values', () => {
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 7);
    expect(normalSf(0)).toBeCloseTo(0.5, 7);
    expect(normalQuantile(0.95)).toBeCloseTo(1.6448536269514722, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.3263478740408408, 8);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
