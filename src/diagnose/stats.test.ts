import { describe, expect, it } from 'vitest';
import {
  changePoint,
  chiSquareGoodnessOfFit,
  chiSquareSurvival,
  gammaQ,
  normalSurvival,
  pearson,
  proportionIncrease,
} from './stats.js';

describe('stats', () => {
  it.each([
    [3.841, 1, 0.05],
    [6.635, 1, 0.01],
    [5.991, 2, 0.05],
    [18.307, 10, 0.05],
    [0, 3, 1],
  ])('chi-square survival > x=%d df=%d is %d', (x, df, p) => {
    expect(chiSquareSurvival(x, df)).toBeCloseTo(p, 3);
  });

  it('gammaQ > Q(1, x) = e^-x on both branches', () => {
    for (const x of [0.3, 1, 2, 5, 10]) expect(gammaQ(1, x)).toBeCloseTo(Math.exp(-x), 10);
  });

  it.each([
    [1.96, 0.025],
    [0, 0.5],
    [-1.645, 0.95],
    [3.09, 0.001],
  ])('normal survival > z=%d is %d', (z, p) => {
    expect(normalSurvival(z)).toBeCloseTo(p, 3);
  });

  it('goodness of fit > small samples do not cry wolf, large skews do', () => {
    expect(chiSquareGoodnessOfFit([9, 3, 3]).pValue).toBeGreaterThan(0.01);
    expect(chiSquareGoodnessOfFit([900, 300, 300]).pValue).toBeLessThan(1e-6);
    expect(chiSquareGoodnessOfFit([1000, 1010, 990]).pValue).toBeGreaterThan(0.5);
    expect(chiSquareGoodnessOfFit([10, 30], [0.25, 0.75]).statistic).toBeCloseTo(0, 10);
  });

  it('proportion increase > significant only with enough data', () => {
    expect(proportionIncrease(3, 10, 1, 10).pValue).toBeGreaterThan(0.1);
    expect(proportionIncrease(300, 1000, 10, 1000).pValue).toBeLessThan(1e-10);
    expect(proportionIncrease(50, 100, 0, 0, 0.01).pValue).toBeLessThan(1e-10);
  });

  it('change point > finds a planted rate change', () => {
    const totals = Array.from({ length: 60 }, () => 100);
    const events = totals.map((_, i) => (i < 37 ? 1 : 30));
    const cp = changePoint(events, totals)!;
    expect(cp.index).toBe(37);
    expect(cp.rateBefore).toBeCloseTo(0.01, 5);
    expect(cp.rateAfter).toBeCloseTo(0.3, 5);
  });

  it('pearson > perfect, none, inverse', () => {
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 10);
    expect(pearson([1, 1, 1, 1], [1, 2, 3, 4])).toBe(0);
  });
});
