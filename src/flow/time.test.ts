import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalTime, formatTime, isCanonicalTime, parseTime } from './time.js';

/** The definition isCanonicalTime implements by hand: the shape, then a full parse round trip. */
function canonicalByDefinition(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(?:\d{3}|\d{6}|\d{9}))?Z$/.test(s)) return false;
  const t = parseTime(s);
  return t !== undefined && formatTime(t) === s;
}

describe('isCanonicalTime', () => {
  it('accepts what Hubble prints and rejects other spellings', () => {
    for (const s of [
      '2026-11-26T10:00:01Z',
      '2026-11-26T10:00:01.500Z',
      '2026-11-26T10:00:01.500001Z',
      '2026-11-26T10:00:01.123456789Z',
      '2024-02-29T23:59:59.001Z',
    ])
      expect([s, isCanonicalTime(s)]).toEqual([s, true]);
    for (const s of [
      '2026-11-26T10:00:01.000Z', // no fraction when zero
      '2026-11-26T10:00:01.500000Z', // shorter form exists
      '2026-11-26T10:00:01.5Z',
      '2026-11-26T10:00:01+00:00',
      '2026-11-26t10:00:01Z',
      '2026-11-26T10:00:01.12345678xZ',
      '2026-13-01T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-11-26T24:00:00Z',
      '2026-11-26T10:60:00Z',
      '2026-11-26T10:00:60Z',
      '0000-01-01T00:00:00Z',
      '2026-11-26 10:00:01Z',
      '',
    ])
      expect([s, isCanonicalTime(s)]).toEqual([s, false]);
  });

  it('agrees with the regex and round-trip definition on near-canonical strings', () => {
    const digit = fc.constantFrom(...'0123456789');
    // Mostly in range (so that most stamps are canonical or nearly), sometimes any digits.
    const part = (n: number, max = 10 ** n - 1) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.integer({ min: n === 4 ? 1 : 0, max }).map((v) => String(v).padStart(n, '0')),
        },
        { weight: 1, arbitrary: fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join('')) },
      );
    const stamp = fc
      .tuple(
        part(4),
        part(2, 12),
        part(2, 31),
        part(2, 23),
        part(2, 59),
        part(2, 59),
        fc.constantFrom('', '.', '.0', '.000', '.000000'),
        fc.constantFrom(0, 3, 6, 9, 2),
        fc.constantFrom('Z', 'z', '+00:00', ''),
        fc.constantFrom('-', '/'),
        digit,
      )
      .map(([y, mo, d, h, mi, s, fracPrefix, fracLen, zone, sep, fd]) => {
        const frac = fracLen === 0 ? '' : '.' + (fracPrefix.slice(1) + fd.repeat(fracLen)).slice(-fracLen);
        return `${y}${sep}${mo}-${d}T${h}:${mi}:${s}${frac}${zone}`;
      });
    let accepted = 0;
    fc.assert(
      fc.property(stamp, (s) => {
        expect(isCanonicalTime(s)).toBe(canonicalByDefinition(s));
        if (isCanonicalTime(s)) {
          accepted++;
          expect(canonicalTime(s)).toBe(s);
        }
      }),
      { numRuns: 20000 },
    );
    expect(accepted).toBeGreaterThan(300); // the generator reaches both answers
  });
});
