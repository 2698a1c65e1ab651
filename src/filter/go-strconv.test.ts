import { describe, expect, it } from 'vitest';
import { goQuote, goQuoteRune, parseGoBool, parseGoUint } from './go-strconv.js';

describe('parseGoUint', () => {
  const cases: { name: string; s: string; base: 0 | 10; bits: 32 | 64; want?: bigint; wantError?: string }[] =
    [
      { name: 'decimal', s: '20', base: 0, bits: 64, want: 20n },
      { name: 'hex prefix', s: '0x10', base: 0, bits: 64, want: 16n },
      { name: 'upper-case hex prefix', s: '0XfF', base: 0, bits: 64, want: 255n },
      { name: 'leading zero is octal', s: '010', base: 0, bits: 64, want: 8n },
      { name: 'octal prefix', s: '0o17', base: 0, bits: 64, want: 15n },
      { name: 'binary prefix', s: '0b11', base: 0, bits: 64, want: 3n },
      { name: 'zero', s: '0', base: 0, bits: 64, want: 0n },
      { name: 'underscores between digits', s: '1_000', base: 0, bits: 64, want: 1000n },
      { name: 'max uint64', s: '18446744073709551615', base: 0, bits: 64, want: 18446744073709551615n },
      { name: 'max uint32', s: '4294967295', base: 10, bits: 32, want: 4294967295n },
      {
        name: 'rejects empty',
        s: '',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "": invalid syntax',
      },
      {
        name: 'rejects letters',
        s: 'abc',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "abc": invalid syntax',
      },
      {
        name: 'rejects a sign',
        s: '-1',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "-1": invalid syntax',
      },
      {
        name: 'rejects 8 in octal',
        s: '08',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "08": invalid syntax',
      },
      {
        name: 'rejects a bare 0x',
        s: '0x',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "0x": invalid syntax',
      },
      {
        name: 'rejects a trailing underscore',
        s: '1_',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "1_": invalid syntax',
      },
      {
        name: 'rejects underscores in base 10',
        s: '1_0',
        base: 10,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "1_0": invalid syntax',
      },
      {
        name: 'rejects prefixes in base 10',
        s: '0x1',
        base: 10,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "0x1": invalid syntax',
      },
      {
        name: 'range error above uint64',
        s: '18446744073709551616',
        base: 0,
        bits: 64,
        wantError: 'strconv.ParseUint: parsing "18446744073709551616": value out of range',
      },
      {
        name: 'range error above uint32',
        s: '4294967296',
        base: 10,
        bits: 32,
        wantError: 'strconv.ParseUint: parsing "4294967296": value out of range',
      },
    ];
  it.each(cases)('$name', ({ s, base, bits, want, wantError }) => {
    if (wantError !== undefined) expect(() => parseGoUint(s, base, bits)).toThrow(wantError);
    else expect(parseGoUint(s, base, bits)).toBe(want);
  });
});

describe('parseGoBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (s) => expect(parseGoBool(s)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (s) =>
    expect(parseGoBool(s)).toBe(false),
  );
  it.each(['yes', 'tRUE', ''])('%j is invalid', (s) =>
    expect(() => parseGoBool(s)).toThrow(`strconv.ParseBool: parsing "${s}": invalid syntax`),
  );
});

describe('goQuote', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['quote and backslash', 'a"b\\', '"a\\"b\\\\"'],
    ['control characters', '\t\n\u0001\u007f', '"\\t\\n\\x01\\x7f"'],
    ['printable unicode', 'é世', '"é世"'],
    ['non-printable unicode', '\u00a0\u200b', '"\\u00a0\\u200b"'],
  ])('%s', (_name, s, want) => expect(goQuote(s)).toBe(want));
  it('quotes runes', () => {
    expect(goQuoteRune('x')).toBe("'x'");
    expect(goQuoteRune("'")).toBe("'\\''");
  });
});
