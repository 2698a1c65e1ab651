import { describe, expect, it } from 'vitest';
import { ByteWriter } from './byte-writer.js';

describe('ByteWriter', () => {
  it('writes short and long strings, ASCII or not, as UTF-8', () => {
    const w = new ByteWriter(4);
    const parts = ['{"a":', 'é', 'x'.repeat(40), 'naïve-pod-ü', '日本語'.repeat(20), '😀', 'plain'];
    for (const p of parts) w.str(p);
    w.ascii('2025-06-02T09:00:00.073428010Z');
    w.ascii('-'.repeat(100));
    w.num(-42);
    w.byte(125);
    w.bytes(Buffer.from('tail'));
    const want = parts.join('') + '2025-06-02T09:00:00.073428010Z' + '-'.repeat(100) + '-42}tail';
    expect(w.text()).toBe(want);
    expect(w.pos).toBe(Buffer.byteLength(want));
  });

  it('hands its bytes over and starts afresh', () => {
    const w = new ByteWriter(8);
    w.str('first line\n');
    const a = w.take();
    w.str('second\n');
    expect(a.toString()).toBe('first line\n');
    expect(w.text()).toBe('second\n');
    // The bytes handed over are the caller's: writing on (over the same buffer) leaves them be.
    const b = w.take();
    w.str('XXXXXXXXXXXX');
    expect(a.toString()).toBe('first line\n');
    expect(b.toString()).toBe('second\n');
  });

  it('writes integers straight from the numbers, as String() does', () => {
    const w = new ByteWriter(4);
    const values = [0, 7, 9, 10, 99, 100, 999, 1000, 65535, 99999, 100000, 123456789, 2 ** 31 - 1];
    for (const v of values) {
      w.pos = 0;
      w.uint(v);
      expect(w.text()).toBe(String(v));
    }
    for (const v of [...values, -1, -0, 2 ** 31, 2 ** 53, 1.5, -273.15, 1e21, 5e-7]) {
      w.pos = 0;
      w.num(v);
      expect(w.text()).toBe(String(v));
    }
  });
});
