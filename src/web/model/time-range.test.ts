import { describe, expect, it } from 'vitest';
import {
  formatRange,
  formatRefresh,
  parseDuration,
  pickStep,
  QUICK_RANGES,
  rangeFromParams,
  rangeToParams,
  rangeToQuery,
  resolveRange,
} from './time-range';

describe('parseDuration', () => {
  const cases: { name: string; input: string; want: number | undefined }[] = [
    { name: 'minutes', input: '5m', want: 300_000 },
    { name: 'compound', input: '1h30m', want: 5_400_000 },
    { name: 'days', input: '7d', want: 604_800_000 },
    { name: 'fraction', input: '1.5h', want: 5_400_000 },
    { name: 'rejects missing unit', input: '15', want: undefined },
    { name: 'rejects garbage', input: '5 minutes', want: undefined },
    { name: 'rejects zero', input: '0s', want: undefined },
  ];
  for (const c of cases) it(`${c.name}: ${c.input}`, () => expect(parseDuration(c.input)).toBe(c.want));

  it('accepts every quick range from 5m to 7d', () => {
    const spans = QUICK_RANGES.map((r) => parseDuration(r)!);
    expect(spans[0]).toBe(5 * 60_000);
    expect(spans[spans.length - 1]).toBe(7 * 86_400_000);
    expect([...spans].sort((a, b) => a - b)).toEqual(spans);
  });
});

describe('ranges', () => {
  const now = Date.parse('2026-11-20T09:00:00Z');
  it('resolves a relative range against now', () => {
    expect(resolveRange({ kind: 'relative', last: '1h' }, now)).toEqual({ from: now - 3_600_000, to: now });
  });
  it('keeps an absolute range', () => {
    expect(resolveRange({ kind: 'absolute', from: 1, to: 2 }, now)).toEqual({ from: 1, to: 2 });
  });
  it('builds RFC 3339 since/until', () => {
    expect(rangeToQuery({ kind: 'relative', last: '30m' }, now)).toEqual({
      since: '2026-11-20T08:30:00.000Z',
      until: '2026-11-20T09:00:00.000Z',
    });
  });
  it('round-trips through URL parameters', () => {
    const abs = { kind: 'absolute' as const, from: now - 7_200_000, to: now - 3_600_000 };
    const p = rangeToParams(abs, new URLSearchParams('var-namespace=shop&range=5m'));
    expect(p.get('range')).toBeNull();
    expect(p.get('var-namespace')).toBe('shop');
    expect(rangeFromParams(p)).toEqual(abs);
    expect(rangeFromParams(rangeToParams({ kind: 'relative', last: '6h' }, p))).toEqual({
      kind: 'relative',
      last: '6h',
    });
  });
  it('falls back on invalid parameters', () => {
    expect(rangeFromParams(new URLSearchParams('range=soon'))).toEqual({ kind: 'relative', last: '30m' });
    expect(rangeFromParams(new URLSearchParams('from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z'))).toEqual(
      {
        kind: 'relative',
        last: '30m',
      },
    );
  });
  it('formats labels', () => {
    expect(formatRange({ kind: 'relative', last: '15m' })).toBe('Last 15m');
    expect(formatRange({ kind: 'absolute', from: now - 60_000, to: now })).toBe(
      '2026-11-20 08:59:00 → 2026-11-20 09:00:00',
    );
    expect(formatRefresh(0)).toBe('Off');
    expect(formatRefresh(30)).toBe('30s');
    expect(formatRefresh(300)).toBe('5m');
  });
});

describe('pickStep', () => {
  const cases = [
    { span: '5m', want: 5 },
    { span: '30m', want: 15 },
    { span: '1h', want: 30 },
    { span: '24h', want: 900 },
    { span: '7d', want: 7200 },
  ];
  for (const c of cases)
    it(`${c.span} → ${c.want}s buckets, never more than 120`, () => {
      const span = parseDuration(c.span)!;
      const step = pickStep(span);
      expect(step).toBe(c.want);
      expect(span / 1000 / step).toBeLessThanOrEqual(120);
    });
});
