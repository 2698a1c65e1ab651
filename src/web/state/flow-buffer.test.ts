import { describe, expect, it } from 'vitest';
import { FlowBuffer } from './flow-buffer';

const ev = (n: number) => ({ flow: { uuid: `u${n}` } });

describe('FlowBuffer', () => {
  it('keeps the newest events up to its capacity and counts evictions', () => {
    const b = new FlowBuffer(3);
    b.push([ev(1), ev(2)]);
    b.push([ev(3), ev(4), ev(5)]);
    expect(b.size).toBe(3);
    expect(b.received).toBe(5);
    expect(b.evicted).toBe(2);
    expect(b.toArray().map((e) => e.flow?.uuid)).toEqual(['u3', 'u4', 'u5']);
    expect(b.newest(0)).toEqual({ ev: ev(5), seq: 4 });
    expect(b.newest(2)).toEqual({ ev: ev(3), seq: 2 });
    expect(b.newest(3)).toBeUndefined();
  });
  it('bumps its version on change and counts server losses', () => {
    const b = new FlowBuffer(10);
    const v = b.version;
    b.push([]);
    expect(b.version).toBe(v);
    b.push([ev(1)]);
    b.addLost(7);
    expect(b.version).toBe(v + 2);
    expect(b.lost).toBe(7);
    b.clear();
    expect([b.size, b.received, b.lost]).toEqual([0, 0, 0]);
  });
  it('handles 100k pushes into a small ring in order', () => {
    const b = new FlowBuffer(1000);
    for (let i = 0; i < 100; i++) b.push(Array.from({ length: 1000 }, (_, j) => ev(i * 1000 + j)));
    expect(b.newest(0)!.ev.flow?.uuid).toBe('u99999');
    expect(b.newest(999)!.ev.flow?.uuid).toBe('u99000');
    expect(b.evicted).toBe(99_000);
  });
});
