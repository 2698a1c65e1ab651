/**
 * The statistics the rules use so that small samples do not cry wolf: a chi-square
 * goodness-of-fit test (replica imbalance), a two-proportion z-test (error ratio against a
 * baseline), a binomial change-point search (when did it start) and Pearson correlation (do
 * resets follow load). Pure numeric code, no dependencies.
 */

/** ln Γ(x) (Lanczos approximation, |error| < 1e-14 for x > 0). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) {
    // Series for P(a, x).
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
  }
  // Continued fraction for Q(a, x) (Lentz).
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** P(X ≥ x) for a chi-square variable with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  return gammaQ(df / 2, x / 2);
}

/** Result of a test. */
export interface TestResult {
  statistic: number;
  pValue: number;
  df?: number;
}

/**
 * Chi-square goodness of fit of observed counts against expected shares (default: equal).
 * @example chiSquareGoodnessOfFit([80, 10, 10]).pValue < 1e-6 // true
 */
export function chiSquareGoodnessOfFit(observed: readonly number[], shares?: readonly number[]): TestResult {
  const n = observed.reduce((a, b) => a + b, 0);
  const k = observed.length;
  if (k < 2 || n === 0) return { statistic: 0, pValue: 1, df: Math.max(0, k - 1) };
  let stat = 0;
  for (let i = 0; i < k; i++) {
    const e = n * (shares ? shares[i] : 1 / k);
    if (e > 0) stat += (observed[i] - e) ** 2 / e;
  }
  return { statistic: stat, pValue: chiSquareSurvival(stat, k - 1), df: k - 1 };
}

/** Complementary error function (Numerical Recipes erfcc, relative error < 1.2e-7). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** P(Z ≥ z) for a standard normal variable. */
export function normalSurvival(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * One-sided two-proportion z-test: is x1/n1 greater than x2/n2? With n2 = 0 (no baseline) the
 * test is against `floor` (a fixed reference ratio).
 */
export function proportionIncrease(x1: number, n1: number, x2: number, n2: number, floor = 0): TestResult {
  if (n1 <= 0) return { statistic: 0, pValue: 1 };
  const p1 = x1 / n1;
  if (n2 <= 0) {
    const p0 = Math.max(floor, 1e-9);
    const se = Math.sqrt((p0 * (1 - p0)) / n1);
    const z = (p1 - p0) / se;
    return { statistic: z, pValue: normalSurvival(z) };
  }
  const p2 = x2 / n2;
  const p = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2)) || 1e-12;
  const z = (p1 - Math.max(p2, floor)) / se;
  return { statistic: z, pValue: normalSurvival(z) };
}

/** A detected change: buckets before `index` behave differently from those from `index` on. */
export interface ChangePoint {
  /** First index of the second segment. */
  index: number;
  /** Log-likelihood ratio of the two-segment model over the one-segment model. */
  gain: number;
  rateBefore: number;
  rateAfter: number;
}

function binomLL(x: number, n: number): number {
  if (n <= 0 || x <= 0 || x >= n) return 0;
  const p = x / n;
  return x * Math.log(p) + (n - x) * Math.log(1 - p);
}

/**
 * The single change point that best splits `events[i] / totals[i]` into two constant rates
 * (binomial likelihood). Returns undefined for fewer than 2 buckets. With `increaseOnly`, only
 * splits where the rate goes up are considered.
 */
export function changePoint(
  events: ArrayLike<number>,
  totals: ArrayLike<number>,
  increaseOnly = true,
): ChangePoint | undefined {
  const n = events.length;
  if (n < 2) return undefined;
  let X = 0;
  let N = 0;
  for (let i = 0; i < n; i++) {
    X += events[i];
    N += Math.max(totals[i], events[i]);
  }
  const whole = binomLL(X, N);
  let best: ChangePoint | undefined;
  let x1 = 0;
  let n1 = 0;
  for (let k = 1; k < n; k++) {
    x1 += events[k - 1];
    n1 += Math.max(totals[k - 1], events[k - 1]);
    const x2 = X - x1;
    const n2 = N - n1;
    if (n1 <= 0 || n2 <= 0) continue;
    const r1 = x1 / n1;
    const r2 = x2 / n2;
    if (increaseOnly && r2 <= r1) continue;
    const gain = binomLL(x1, n1) + binomLL(x2, n2) - whole;
    if (!best || gain > best.gain) best = { index: k, gain, rateBefore: r1, rateAfter: r2 };
  }
  return best;
}

/** Pearson correlation of two equally long series (0 when either is constant). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 3) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
}

/** Rounds for display in figures (4 significant digits). */
export function round(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const m = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(x))));
  return Math.round(x * m) / m;
}
