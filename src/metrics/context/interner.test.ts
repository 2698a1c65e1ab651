import { describe, expect, it } from 'vitest';
import { Interner } from './interner.js';

describe('interner', () => {
  it('returns the same object for the same pod path and tuple', () => {
    const i = new Interner();
    const a = i.podPath('shop', 'web-1');
    expect(a).toBe('shop/web-1');
    expect(i.podPath('shop', 'web-' + '1')).toBe(a);
    const k = i.join(['shop/web-1', '', 'x']);
    expect(k).toBe('shop/web-1\u0001\u0001x');
    expect(i.join(['shop/web-1', '', 'x'])).toBe(k);
    expect(i.join(['shop/web-1', 'x', ''])).not.toBe(k);
    expect(i.join([])).toBe('');
  });

  it('stays bounded: past its limit it starts over and still returns equal strings', () => {
    const i = new Interner(100);
    for (let n = 0; n < 10_000; n++) expect(i.join([`v${n}`, 'y'])).toBe(`v${n}\u0001y`);
    expect(i.podPath('ns', 'p')).toBe('ns/p');
    expect((i as unknown as { size: number }).size).toBeLessThanOrEqual(100);
  });
});
