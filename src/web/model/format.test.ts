import { describe, expect, it } from 'vitest';
import { axisTime, formatValue, shortNumber } from './format';

describe('format', () => {
  const cases: [number, string][] = [
    [0, '0'],
    [0.0423, '0.042'],
    [3.14159, '3.14'],
    [12.34, '12.3'],
    [456.7, '457'],
    [12_345, '12.3k'],
    [3_400_000, '3.4M'],
    [NaN, '–'],
  ];
  for (const [v, want] of cases) it(`${v} → ${want}`, () => expect(shortNumber(v)).toBe(want));
  it('adds units', () => {
    expect(formatValue(25, 'percent')).toBe('25%');
    expect(formatValue(4, 'pods')).toBe('4 pods');
    expect(formatValue(undefined, 'pods')).toBe('No data');
    expect(formatValue(2.5, 'ms')).toBe('2.5 ms');
    expect(shortNumber(25.0)).toBe('25');
    expect(shortNumber(20_000)).toBe('20k');
  });
  it('formats axis times in UTC', () => {
    const t = Date.parse('2026-11-20T08:05:00Z');
    expect(axisTime(t, 3_600_000)).toBe('08:05');
    expect(axisTime(t, 7 * 86_400_000)).toBe('11-20 08:05');
  });
});
