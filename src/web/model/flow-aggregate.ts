/**
 * Client-side aggregation of a flow sample, for the few panels whose dimension the aggregate
 * API lacks (event type/observation point, number of IPs in a DNS answer). The sample is the
 * newest flows of the range, so callers report the span it covers.
 */
import type { Flow, FlowEvent } from '../../flow/types';
import type { AggregateGroup } from '../../server/http/contract';

/** Groups flows by `keyOf` into per-bucket counts (epoch-aligned buckets of `step` seconds). */
export function aggregateFlows(
  events: readonly FlowEvent[],
  step: number,
  keyOf: (f: Flow) => string[] | null,
): AggregateGroup[] {
  const ms = step * 1000;
  const groups = new Map<string, { key: string[]; total: number; buckets: Map<number, number> }>();
  for (const ev of events) {
    const f = ev.flow;
    if (!f) continue;
    const key = keyOf(f);
    if (!key) continue;
    const t = Date.parse(f.time ?? ev.time ?? '');
    if (Number.isNaN(t)) continue;
    const id = JSON.stringify(key);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, total: 0, buckets: new Map() }));
    const b = Math.floor(t / ms) * ms;
    g.buckets.set(b, (g.buckets.get(b) ?? 0) + 1);
    g.total++;
  }
  return [...groups.values()]
    .sort((a, b) => b.total - a.total)
    .map((g) => ({ key: g.key, total: g.total, points: [...g.buckets].sort((a, b) => a[0] - b[0]) }));
}

/** The time span [oldest, newest] (epoch ms) of a sample, or undefined when empty. */
export function sampleSpan(events: readonly FlowEvent[]): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const ev of events) {
    const t = Date.parse(ev.flow?.time ?? ev.time ?? '');
    if (Number.isNaN(t)) continue;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

const EVENT_TYPE_NAMES: Record<number, string> = {
  1: 'Drop',
  4: 'Trace',
  5: 'PolicyVerdict',
  129: 'L7',
  130: 'Agent',
};

/**
 * Hubble's `type/subtype` legend of the trace-type panels: Trace/to-endpoint, Drop/…, L7/dns.
 */
export function traceTypeKey(f: Flow): string[] {
  const type = f.event_type?.type ?? 0;
  const name = EVENT_TYPE_NAMES[type] ?? String(type);
  let sub = '';
  if (type === 4 && f.trace_observation_point !== undefined) {
    sub = String(f.trace_observation_point).toLowerCase().replace(/_/g, '-');
  } else if (type === 129) {
    sub = f.l7?.dns ? 'dns' : f.l7?.http ? 'http' : f.l7?.kafka ? 'kafka' : '';
  } else if (type === 1) {
    sub = f.drop_reason_desc !== undefined ? String(f.drop_reason_desc).toLowerCase() : '';
  }
  return [sub ? `${name}/${sub}` : name];
}

/**
 * Blanks (NaN, drawn as a gap) the buckets a truncated sample does not cover, so the part of
 * the range before the sample's oldest flow reads "unknown", not zero.
 */
export function maskBefore(
  points: [number, number][],
  oldest: number | undefined,
  step: number,
): [number, number][] {
  if (oldest === undefined) return points;
  const edge = Math.floor(oldest / (step * 1000)) * step * 1000;
  return points.map(([t, v]) => [t, t < edge ? NaN : v]);
}
