import { describe, expect, it } from 'vitest';
import { byteOrder } from './byte-order.js';

const utf8 = new TextEncoder();

describe('byteOrder', () => {
  it('orders as Go does: upper case and `_` before lower case, prefixes first', () => {
    expect(['alpha', 'Zeta', '_x', 'al', ''].sort(byteOrder)).toEqual(['', 'Zeta', '_x', 'al', 'alpha']);
  });

  it('agrees with a byte compare of the UTF-8 on well-formed text, surrogate pairs included', () => {
    const pool = ['a', 'é', '\u00ff', '\ue000', '\uffff', '😀', '\ud83d\ude00x', 'ab', 'a😀', 'a\uffff', ''];
    for (const x of pool)
      for (const y of pool)
        expect(Math.sign(byteOrder(x, y)), `${JSON.stringify(x)} vs ${JSON.stringify(y)}`).toBe(
          Math.sign(Buffer.compare(utf8.encode(x), utf8.encode(y))),
        );
  });
});
