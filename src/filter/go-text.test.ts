import { describe, expect, it } from 'vitest';
import { goQuote, goQuoteRune, goTrimSpace, goToLower, utf8Length } from './go-text.js';

describe('goQuote', () => {
  const cases = [
    { name: 'plain', input: 'abc', want: '"abc"' },
    { name: 'quote and backslash', input: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { name: 'control characters', input: '\t\n\x00\x7f', want: '"\\t\\n\\x00\\x7f"' },
    { name: 'printable unicode kept', input: 'é日本', want: '"é日本"' },
    { name: 'non-printable unicode escaped', input: '\u200b', want: '"\\u200b"' },
    { name: 'astral printable kept', input: '😀', want: '"😀"' },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(goQuote(input)).toBe(want));
});

describe('goQuoteRune', () => {
  const cases = [
    { name: 'dollar', input: 0x24, want: "'$'" },
    { name: 'single quote', input: 0x27, want: "'\\''" },
    { name: 'double quote unescaped', input: 0x22, want: `'"'` },
    { name: 'tab', input: 0x09, want: "'\\t'" },
    { name: 'upper-case letter', input: 0x41, want: "'A'" },
    { name: 'space', input: 0x20, want: "' '" },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(goQuoteRune(input)).toBe(want));
});

describe('goTrimSpace / goToLower / utf8Length', () => {
  it('trims Go white space but keeps U+FEFF', () => {
    expect(goTrimSpace(' \t a b \n')).toBe('a b');
    expect(goTrimSpace('\ufeffa')).toBe('\ufeffa');
  });
  it('lower-cases U+0130 to i like Go', () => expect(goToLower('\u0130X')).toBe('ix'));
  it('counts UTF-8 bytes', () => expect(utf8Length('aé日😀')).toBe(1 + 2 + 3 + 4));
});
