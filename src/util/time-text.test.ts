import { describe, expect, it } from 'vitest';
import { formatTime } from '../flow/time.js';
import { daysFromCivil, digitsAt, formatTimeText } from './time-text.js';

describe('formatTimeText', () => {
  it('formats every time as formatTime does, and returns one string for the same time', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1714564800, 0],
      [1714564800, 100098],
      [1714564800, 120_000_000],
      [1714564800, 1000],
      [1714564800, 999_999_999],
      [1714564801, 999_999_999], // same nanos, next second: the prefix must change
      [1714564801, 5],
      [-1, 500_000_000], // before 1970
      [253402300799, 1], // 9999-12-31T23:59:59
      [253402300800, 1], // year 10000: the general formatter
      [1714564800, -5], // out of range nanos, as a peer may send them
      [1714564800, 1_500_000_000],
    ];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let i = 0; i < 2000; i++) {
      const s = 1_600_000_000 + rnd(200_000_000);
      const kind = rnd(4);
      const n =
        kind === 0 ? 0 : kind === 1 ? rnd(1000) * 1_000_000 : kind === 2 ? rnd(1_000_000) * 1000 : rnd(1e9);
      cases.push([s, n], [s, n]);
    }
    for (const [seconds, nanos] of cases)
      expect(formatTimeText(seconds, nanos)).toBe(formatTime({ seconds, nanos }));
    const a = formatTimeText(1714564900, 42);
    expect(formatTimeText(1714564900, 42)).toBe(a);
    expect(a).toBe('2024-05-01T12:01:40.000000042Z');
  });
});

describe('daysFromCivil and digitsAt', () => {
  it('agree with Date.UTC and read digits only', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [2024, 5, 1],
      [2100, 3, 1],
      [9999, 12, 31],
    ])
      expect(daysFromCivil(y!, m!, d!)).toBe(Date.UTC(y!, m! - 1, d!) / 86_400_000);
    expect(digitsAt('x2024-05', 1, 4)).toBe(2024);
    expect(digitsAt('2024-05', 3, 2)).toBe(-1);
  });
});
