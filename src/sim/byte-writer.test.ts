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
  });
});
