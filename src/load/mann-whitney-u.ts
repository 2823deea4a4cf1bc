/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) and the Hodges-Lehmann shift with its
 * distribution-free interval: the statistics of the regression gate (regression-gate.ts).
 *
 * Why this test: per-second samples of a load phase are few (tens), skewed and spiky (a
 * noisy neighbour makes a few seconds slow), so a test on ranks — which one spike cannot
 * drag — fits better than a t test, and needs no resampling (a bootstrap over 4–30 seconds
 * is coarse and random). Matches scipy.stats.mannwhitneyu: U of the first sample, the exact
 * distribution when a sample has at most 8 values and there are no ties (scipy's `auto`),
 * else the normal approximation with the tie correction and a continuity correction.
 * No npm library offers the exact distribution together with the shift interval; this
 * file is small and tested against scipy's numbers (tests/load/mann-whitney-u-matches-scipy.test.ts).
 */

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting one half. */
  u: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Largest sample size for which the exact distribution is used (scipy's `auto`). */
const EXACT_MAX_SMALLER = 8;

/** H1 of `greater`: values of `x` tend to be larger than those of `y`. */
export function mannWhitneyU(x: readonly number[], y: readonly number[], alternative: Alternative = 'two-sided'): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('mannWhitneyU needs two non-empty samples');
  const { ranks, tieTerm } = rank([...x, ...y]);
  const r1 = ranks.slice(0, n1).reduce((sum, r) => sum + r, 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  // Every alternative as "P(U >= observed)" of the right U.
  const uTail = alternative === 'greater' ? u1 : alternative === 'less' ? u2 : Math.max(u1, u2);
  const factor = alternative === 'two-sided' ? 2 : 1;

  if (tieTerm === 0 && Math.min(n1, n2) <= EXACT_MAX_SMALLER) {
    const cdf = exactUCdf(n1, n2);
    // P(U >= u) = 1 - P(U <= u - 1); U is an integer without ties.
    const atLeast = 1 - (uTail >= 1 ? cdf[uTail - 1]! : 0);
    return { u: u1, pValue: Math.min(1, factor * atLeast), method: 'exact' };
  }
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const sd = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = sd > 0 ? (uTail - mean - 0.5) / sd : 0;
  return { u: u1, pValue: Math.min(1, factor * normalSf(z)), method: 'asymptotic' };
}

export interface ShiftEstimate {
  /** Hodges-Lehmann: the median of every difference x_i - y_j. */
  shift: number;
  /** Distribution-free interval of the shift at `confidence` (two-sided), from the U distribution. */
  low: number;
  high: number;
  confidence: number;
}

/**
 * The shift of `x` against `y` with its interval: the k-th smallest and k-th largest of the
 * n1·n2 pairwise differences, k the U test's critical value at `alpha` one-sided (so the
 * interval is two-sided at 1 - 2·alpha and excludes 0 exactly when the one-sided exact test
 * at `alpha` rejects). Too few samples for any k: the interval is unbounded.
 */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[], alpha: number): ShiftEstimate {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('hodgesLehmannShift needs two non-empty samples');
  const differences: number[] = [];
  for (const a of x) for (const b of y) differences.push(a - b);
  differences.sort((a, b) => a - b);
  const total = differences.length;
  const k = criticalCount(n1, n2, alpha);
  return {
    shift: median(differences),
    low: k >= 1 ? differences[k - 1]! : Number.NEGATIVE_INFINITY,
    high: k >= 1 ? differences[total - k]! : Number.POSITIVE_INFINITY,
    confidence: 1 - 2 * alpha,
  };
}

/**
 * The largest k with P(U <= k - 1) <= alpha: exact for small samples, else the normal
 * approximation N/2 - z·sd (rounded down).
 */
function criticalCount(n1: number, n2: number, alpha: number): number {
  if (Math.min(n1, n2) <= EXACT_MAX_SMALLER) {
    const cdf = exactUCdf(n1, n2);
    let k = 0;
    while (k < cdf.length && cdf[k]! <= alpha) k++;
    return k;
  }
  const total = n1 * n2;
  const sd = Math.sqrt((total * (n1 + n2 + 1)) / 12);
  return Math.max(0, Math.floor(total / 2 - normalQuantile(1 - alpha) * sd));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Mid-ranks (ties share their mean rank) and the tie term Σ(t³ - t). */
function rank(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const midRank = (start + end + 2) / 2;
    for (let i = start; i <= end; i++) ranks[order[i]!.index] = midRank;
    const t = end - start + 1;
    tieTerm += t * t * t - t;
    start = end + 1;
  }
  return { ranks, tieTerm };
}

const cdfCache = new Map<string, Float64Array>();

/**
 * P(U <= u) for u = 0..n1·n2 without ties: the counts are the coefficients of the Gaussian
 * binomial [n1+n2 choose m]_q (m the smaller size), built factor by factor; every partial
 * product is itself a Gaussian binomial, so its coefficients stay non-negative.
 */
function exactUCdf(n1: number, n2: number): Float64Array {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const key = `${m}x${n}`;
  const cached = cdfCache.get(key);
  if (cached) return cached;
  const size = m * n + 1;
  let counts = new Float64Array(size);
  counts[0] = 1;
  for (let i = 1; i <= m; i++) {
    // × (1 - q^(n+i)) then ÷ (1 - q^i): [n+i choose i]_q from [n+i-1 choose i-1]_q.
    const next = new Float64Array(size);
    for (let k = 0; k < size; k++) next[k] = counts[k]! - (k >= n + i ? counts[k - n - i]! : 0);
    for (let k = i; k < size; k++) next[k]! += next[k - i]!;
    counts = next;
  }
  const total = counts.reduce((sum, c) => sum + c, 0);
  const cdf = new Float64Array(size);
  let running = 0;
  for (let k = 0; k < size; k++) {
    running += counts[k]!;
    cdf[k] = running / total;
  }
  cdfCache.set(key, cdf);
  return cdf;
}

/** P(Z > z) of the standard normal. */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * erfc with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit):
 * ample for p-values compared with a significance level.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The standard normal quantile (Acklam's algorithm, relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
