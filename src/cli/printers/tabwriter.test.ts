import { describe, expect, it } from 'vitest';
import { runes, tabwrite } from './tabwriter.js';

describe('tabwrite', () => {
  it('pads every cell but the last to its column width (widest + 3, at least 2)', () => {
    expect(
      tabwrite([
        ['A', 'B', 'C'],
        ['xyz', '', 'w'],
      ]),
    ).toBe('A     B   C\nxyz       w\n');
  });

  it('ends a column block at a line with fewer cells, and aligns the lines after it afresh', () => {
    expect(tabwrite([['NAMESPACE', 'CLUSTER'], ['foo'], ['a', 'b'], ['abcd', 'c']])).toBe(
      'NAMESPACE   CLUSTER\nfoo\na      b\nabcd   c\n',
    );
  });

  it('measures cells in code points, as Go counts UTF-8 runes', () => {
    expect(runes('µs')).toBe(2);
    expect(runes('😀x')).toBe(2); // a surrogate pair is one rune
    expect(runes('\ud800x')).toBe(2); // a lone surrogate is one (U+FFFD) rune
    expect(
      tabwrite([
        ['😀', 'a'],
        ['bb', 'c'],
      ]),
    ).toBe('😀    a\nbb   c\n');
  });

  it('writes nothing for no lines, and a bare newline for an empty line', () => {
    expect(tabwrite([])).toBe('');
    expect(tabwrite([['a', 'b'], []])).toBe('a   b\n\n');
  });
});
