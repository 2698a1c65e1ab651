import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, goFloat, omFloat, uintString } from './format.js';

describe("number formatting (Go strconv.FormatFloat(v, 'g', -1, 64))", () => {
  const cases: [number, string, string][] = [
    [0, '0', '0.0'],
    [1, '1', '1.0'],
    [-1, '-1', '-1.0'],
    [42, '42', '42.0'],
    [999999, '999999', '999999.0'],
    [1000000, '1e+06', '1e+06'],
    [1234567, '1.234567e+06', '1.234567e+06'],
    [1.5e21, '1.5e+21', '1.5e+21'],
    [0.5, '0.5', '0.5'],
    [0.0001, '0.0001', '0.0001'],
    [0.00001, '1e-05', '1e-05'],
    [1.25e-7, '1.25e-07', '1.25e-07'],
    [123456.789, '123456.789', '123456.789'],
    [0.999958359, '0.999958359', '0.999958359'],
    [Infinity, '+Inf', '+Inf'],
    [-Infinity, '-Inf', '-Inf'],
    [NaN, 'NaN', 'NaN'],
  ];
  for (const [v, prom, om] of cases) {
    it(`formats ${v} as ${prom} / ${om}`, () => {
      expect(goFloat(v)).toBe(prom);
      expect(omFloat(v)).toBe(om);
    });
  }
  it('writes unsigned counts without a fraction', () => {
    expect(uintString(3)).toBe('3');
    expect(uintString(2 ** 60)).toBe('1152921504606846976');
  });
});

describe('escaping', () => {
  it('escapes label values: backslash, quote, line feed', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('plain')).toBe('plain');
  });
  it('escapes HELP: quotes only in OpenMetrics', () => {
    expect(escapeHelp('say "hi"\\\n', false)).toBe('say "hi"\\\\\\n');
    expect(escapeHelp('say "hi"', true)).toBe('say \\"hi\\"');
  });
});
