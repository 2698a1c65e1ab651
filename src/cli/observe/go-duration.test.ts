import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

const S = 1_000_000_000n;

describe('parseGoDuration', () => {
  const ok: [string, bigint][] = [
    ['30s', 30n * S],
    ['5m', 300n * S],
    ['1h30m', 5400n * S],
    ['1.5h', 5400n * S],
    ['250ms', 250_000_000n],
    ['-5m', -300n * S],
    ['+5m', 300n * S],
    ['0', 0n],
    ['-0', 0n],
    ['1ns', 1n],
    ['1us', 1000n],
    ['1\u00b5s', 1000n],
    ['1\u03bcs', 1000n],
    ['.5s', 500_000_000n],
    ['1.s', S],
    ['1h1m1s1ms1us1ns', 3661n * S + 1_001_001n],
    ['2562047h47m16.854775807s', 9223372036854775807n],
    ['-2562047h47m16.854775808s', -9223372036854775808n],
  ];
  it.each(ok)('%s parses', (s, want) => expect(parseGoDuration(s)).toBe(want));

  const bad: [string, string][] = [
    ['5', 'time: missing unit in duration "5"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['', 'time: invalid duration ""'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['s', 'time: invalid duration "s"'],
    ['1h 2m', 'time: unknown unit "h " in duration "1h 2m"'],
    ['2562047h47m16.854775808s', 'time: invalid duration "2562047h47m16.854775808s"'],
    ['9999999999999999999h', 'time: invalid duration "9999999999999999999h"'],
  ];
  it.each(bad)('%j is rejected', (s, msg) => expect(() => parseGoDuration(s)).toThrow(msg));
});
