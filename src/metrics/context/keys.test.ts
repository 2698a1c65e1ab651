import { describe, expect, it } from 'vitest';
import type { Flow } from '../../flow/index.js';
import { parseStaticMetrics } from '../config/parse.js';
import { Family, type LabelFill } from '../store/family.js';
import { ContextLabels, parseContextOptions } from './context.js';
import { KeySpace } from './keys.js';

/** A fresh copy of a string, as every decoded flow has. */
const fresh = (s: string) => (' ' + s).slice(1);

describe('KeySpace', () => {
  it('gives equal ids to equal strings and tuples, 0 to the empty string', () => {
    const k = new KeySpace();
    expect(k.str('')).toBe(0);
    const a = k.str('POLICY_DENIED');
    expect(k.str(fresh('POLICY_DENIED'))).toBe(a);
    expect(k.str('AUTH_REQUIRED')).not.toBe(a);
    expect(k.pair(a, 7)).toBe(k.pair(a, 7));
    expect(k.pair(a, 7)).not.toBe(k.pair(7, a));
    expect(k.list(['1.1.1.1', '2.2.2.2'])).toBe(k.list([fresh('1.1.1.1'), '2.2.2.2']));
    expect(k.list(['1.1.1.1,2.2.2.2'])).not.toBe(k.list(['1.1.1.1', '2.2.2.2']));
    expect(k.list([])).not.toBe(k.list(['']));
    expect(k.list(undefined)).toBe(0);
  });

  it('pod ids follow the pod context value', () => {
    const k = new KeySpace();
    const a = k.podId({ namespace: 'shop', pod_name: 'web-1' });
    expect(k.podId({ namespace: fresh('shop'), pod_name: fresh('web-1') })).toBe(a);
    expect(k.podId({ namespace: 'other', pod_name: 'web-1' })).not.toBe(a); // same pod name elsewhere
    expect(k.podId({ namespace: 'other', pod_name: 'web-1' })).toBe(
      k.podId({ namespace: 'other', pod_name: 'web-1' }),
    );
    expect(k.podId({ namespace: 'shop' })).not.toBe(0); // `shop/`
    expect(k.podId({ pod_name: 'p' })).not.toBe(0);
    expect(k.podId({ labels: ['reserved:world'] })).toBe(0);
    expect(k.podId(undefined)).toBe(0);
  });

  it('packs pod pairs into negative Smis, and falls back to pair ids for large ids', () => {
    const k = new KeySpace();
    expect(k.podPair(1, 2)).toBe(k.podPair(1, 2));
    expect(k.podPair(1, 2)).not.toBe(k.podPair(2, 1));
    expect(k.podPair(0, 0)).toBeLessThan(0);
    const big = k.podPair(1 << 15, 1);
    expect(big).toBeGreaterThan(0);
    expect(k.podPair(1 << 15, 1)).toBe(big);
  });

  it('is bounded: when full it resets between flows, with a new epoch and listeners called', () => {
    const k = new KeySpace(100);
    let resets = 0;
    k.onReset(() => resets++);
    for (let i = 0; i < 1000; i++) {
      k.maintain();
      k.str(`name-${i}`);
      expect(k.size).toBeLessThanOrEqual(100);
    }
    expect(resets).toBeGreaterThan(5);
    expect(k.epoch).toBe(resets);
    // Ids are stable until maintain() runs, even past the bound.
    const a = k.str('x');
    for (let i = 0; i < 200; i++) k.str(`more-${i}`);
    expect(k.str('x')).toBe(a);
    k.maintain();
    expect(k.size).toBe(0);
  });

  it('families drop their series index on reset, so reused ids never find a stale series', () => {
    // A tiny space resets every few flows and hands the same ids to other pods: counts stay exact.
    const keys = new KeySpace(16);
    const ctx = new ContextLabels(
      parseContextOptions(parseStaticMetrics('x:sourceContext=pod;destinationContext=pod')[0]!.options),
      keys,
    );
    const clock = { now: 0 };
    const fam = new Family(
      { name: 'x_total', help: '', type: 'counter', labels: [...ctx.names, 'verdict'] },
      { budget: 100_000, ttlMs: 0, exemplars: false },
      clock,
      keys,
    );
    const fill: LabelFill<void> = (out, flow, level) => {
      ctx.fill(out, 0, flow, level);
      out[2] = String(flow.verdict);
    };
    const want = new Map<string, number>();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        const flow: Flow = {
          verdict: i % 3 === 0 ? 'DROPPED' : 'FORWARDED',
          source: { namespace: fresh('ns'), pod_name: `src-${i % 37}` },
          destination: { namespace: 'ns', pod_name: `dst-${i % 11}` },
        };
        keys.maintain();
        const s = fam.atKey(ctx.key(flow), flow.verdict === 'DROPPED' ? 1 : 0, fill, flow, undefined)!;
        s.value++;
        const k = `ns/src-${i % 37}|ns/dst-${i % 11}|${String(flow.verdict)}`;
        want.set(k, (want.get(k) ?? 0) + 1);
      }
    }
    expect(keys.epoch).toBeGreaterThan(10);
    const got = new Map(fam.series().map((s) => [s.values.join('|'), s.value]));
    expect(got).toEqual(want);
  });
});
