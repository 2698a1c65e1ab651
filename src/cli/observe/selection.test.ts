import { describe, expect, it } from 'vitest';
import { ALL_FLOWS, type ObserveRequest } from './request.js';
import { RingBuffer, responseTime, selectionMode } from './selection.js';

const req = (number: bigint, first = false): ObserveRequest => ({
  whitelist: [],
  blacklist: [],
  number,
  first,
  follow: false,
});

describe('selectionMode', () => {
  const cases: { name: string; request: ObserveRequest; want?: unknown; wantError?: string }[] = [
    { name: 'number 0 streams everything', request: req(0n), want: { kind: 'all' } },
    { name: '--all streams everything', request: req(ALL_FLOWS), want: { kind: 'all' } },
    {
      name: '--first with the maximum streams everything',
      request: req(ALL_FLOWS, true),
      want: { kind: 'all' },
    },
    { name: '--first N', request: req(3n, true), want: { kind: 'first', n: 3 } },
    {
      name: '--first has no upper limit',
      request: req(5_000_000n, true),
      want: { kind: 'first', n: 5_000_000 },
    },
    { name: '--last N', request: req(20n), want: { kind: 'last', n: 20 } },
    { name: '--last 1,000,000 is the limit', request: req(1_000_000n), want: { kind: 'last', n: 1_000_000 } },
    {
      name: '--last above the limit',
      request: req(1_000_001n),
      wantError: '--last must be <= 1_000_000, got 1000001',
    },
  ];
  it.each(cases)('$name', ({ request, want, wantError }) => {
    if (wantError !== undefined) expect(() => selectionMode(request)).toThrow(wantError);
    else expect(selectionMode(request)).toEqual(want);
  });
});

describe('RingBuffer', () => {
  it('keeps everything below capacity, in order', () => {
    const r = new RingBuffer<number>(3);
    r.push(1);
    r.push(2);
    expect(r.toArray()).toEqual([1, 2]);
    expect(r.size).toBe(2);
  });
  it('keeps the last N, oldest first', () => {
    const r = new RingBuffer<number>(3);
    for (let i = 1; i <= 10; i++) r.push(i);
    expect(r.toArray()).toEqual([8, 9, 10]);
    expect(r.size).toBe(3);
  });
  it('capacity 1', () => {
    const r = new RingBuffer<string>(1);
    r.push('a');
    r.push('b');
    expect(r.toArray()).toEqual(['b']);
  });
  it('rejects a zero capacity', () => {
    expect(() => new RingBuffer(0)).toThrow('invalid ring capacity 0');
  });
});

describe('responseTime', () => {
  it('parses the wrapper time with nanoseconds', () => {
    expect(responseTime({ time: '2024-05-01T12:00:05.000000001Z' })).toEqual({
      seconds: 1714564805,
      nanos: 1,
    });
  });
  it('uses the epoch for a missing time', () => {
    expect(responseTime({ flow: { time: '2024-05-01T12:00:05Z' } })).toEqual({ seconds: 0, nanos: 0 });
  });
});
