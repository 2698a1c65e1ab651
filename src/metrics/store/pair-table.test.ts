import { describe, expect, it } from 'vitest';
import { Family } from './family.js';
import { PairTable } from './pair-table.js';

describe('PairTable', () => {
  it('maps pairs of numbers like a Map of their text, through growth', () => {
    const t = new PairTable();
    const want = new Map<string, number>();
    let x = 12345;
    const rnd = (k: number) => (x = (x * 1103515245 + 12345) % 2147483648) % k;
    for (let i = 0; i < 20_000; i++) {
      // Small ints, negative packed keys, and exact integers up to 2^53.
      const k1 = rnd(3) === 0 ? -rnd(1 << 30) - 1 : rnd(5000);
      const k2 = rnd(2) === 0 ? rnd(100) : rnd(1 << 24) * 268435456 + rnd(1 << 28);
      const key = `${k1}|${k2}`;
      const got = t.get(k1, k2);
      if (want.has(key)) expect(got).toBe(want.get(key));
      else {
        expect(got).toBe(-1);
        t.set(k1, k2, i);
        want.set(key, i);
      }
    }
    expect(t.size).toBe(want.size);
    for (const [key, v] of want) {
      const [a, b] = key.split('|').map(Number);
      expect(t.get(a!, b!)).toBe(v);
    }
  });

  it('renumbers entries and drops those mapped to -1', () => {
    const t = new PairTable();
    for (let i = 0; i < 100; i++) t.set(i, i * 2 ** 40, i);
    const remap = new Int32Array(100).map((_, i) => (i % 3 === 0 ? -1 : 1000 + i));
    t.purge(remap);
    for (let i = 0; i < 100; i++) expect(t.get(i, i * 2 ** 40)).toBe(i % 3 === 0 ? -1 : 1000 + i);
    expect(t.size).toBe(66);
    t.clear();
    expect(t.get(1, 2 ** 40)).toBe(-1);
  });
});

describe('Family state', () => {
  it('keeps values and touch times through renumbering when series are removed', () => {
    const clock = { now: 0 };
    const fam = new Family(
      { name: 'x_total', help: '', type: 'counter', labels: ['n'] },
      { budget: 1000, ttlMs: 1000, exemplars: false },
      clock,
    );
    const fill = (out: string[], _flow: unknown, _level: number, n: number) => {
      out[0] = String(n);
    };
    for (let n = 0; n < 200; n++) {
      clock.now = n % 2 === 0 ? 0 : 5000; // odd series are touched later
      fam.add(0, n, fill, {}, n, n + 1);
    }
    const two = fam.series().find((s) => s.values[0] === '2')!;
    fam.atKey(0, 0, fill, {}, 0); // touched again at 5000
    expect(fam.sweep(5500)).toBe(99); // even series but 0 expire
    expect(two.dead).toBe(true);
    expect(two.value).toBe(3);
    expect(two.touched).toBe(0);
    expect(fam.size).toBe(101);
    for (const s of fam.series()) {
      const n = Number(s.values[0]);
      expect(s.value).toBe(n + 1);
      expect(s.touched).toBe(5000);
    }
    // Removed series keep their last value; live ones keep counting through the index.
    fam.add(0, 7, fill, {}, 7, 10);
    expect(fam.series().find((s) => s.values[0] === '7')!.value).toBe(18);
  });
});
