/**
 * Time ranges of the dashboards, the map and the flows explorer: a relative "last 30m" or an
 * absolute [from, to]. Pure: every function takes `now` (epoch ms) instead of reading a clock.
 */

/** A relative range ("last 30m") or an absolute one (epoch ms). */
export type TimeRange = { kind: 'relative'; last: string } | { kind: 'absolute'; from: number; to: number };

/** Quick picks of the range picker, shortest first (5m to 7d, as in Grafana). */
export const QUICK_RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d'] as const;

/** Default range of every ACNS dashboard: last 30 minutes. */
export const DEFAULT_RANGE: TimeRange = { kind: 'relative', last: '30m' };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration like `90s`, `5m`, `1h30m`, `7d` into milliseconds; undefined when invalid.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (!/^(\d+(\.\d+)?[smhdw])+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total > 0 ? total : undefined;
}

/** Resolves a range to absolute epoch-ms bounds at `now`. */
export function resolveRange(range: TimeRange, now: number): { from: number; to: number } {
  if (range.kind === 'absolute') return { from: range.from, to: range.to };
  const span = parseDuration(range.last) ?? 30 * 60_000;
  return { from: now - span, to: now };
}

/** Steps (seconds) the dashboards use, so bucket edges stay on round times. */
const NICE_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];

/**
 * The smallest round step giving at most `maxPoints` buckets over `spanMs`.
 *
 * @example pickStep(30 * 60_000) // 15 (120 buckets of 15 s)
 */
export function pickStep(spanMs: number, maxPoints = 120): number {
  const raw = spanMs / 1000 / maxPoints;
  return NICE_STEPS.find((s) => s >= raw) ?? NICE_STEPS[NICE_STEPS.length - 1];
}

/** Query parameters `since`/`until` (RFC 3339) for the API. */
export function rangeToQuery(range: TimeRange, now: number): { since: string; until: string } {
  const { from, to } = resolveRange(range, now);
  return { since: new Date(from).toISOString(), until: new Date(to).toISOString() };
}

/** Reads `?range=30m` or `?from=ISO&to=ISO` (also epoch ms); falls back to `fallback`. */
export function rangeFromParams(params: URLSearchParams, fallback: TimeRange = DEFAULT_RANGE): TimeRange {
  const from = parseInstant(params.get('from'));
  const to = parseInstant(params.get('to'));
  if (from !== undefined && to !== undefined && from < to) return { kind: 'absolute', from, to };
  const last = params.get('range');
  if (last && parseDuration(last) !== undefined) return { kind: 'relative', last };
  return fallback;
}

/** Writes a range into URL parameters (removing the other form). */
export function rangeToParams(range: TimeRange, params: URLSearchParams): URLSearchParams {
  const p = new URLSearchParams(params);
  p.delete('range');
  p.delete('from');
  p.delete('to');
  if (range.kind === 'relative') p.set('range', range.last);
  else {
    p.set('from', new Date(range.from).toISOString());
    p.set('to', new Date(range.to).toISOString());
  }
  return p;
}

/** Parses an RFC 3339 time or epoch milliseconds. */
export function parseInstant(text: string | null | undefined): number | undefined {
  if (!text) return undefined;
  if (/^\d{10,}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

/** Human label: "Last 30m" or "2026-11-20 08:00:00 → 2026-11-20 09:00:00" (UTC). */
export function formatRange(range: TimeRange): string {
  if (range.kind === 'relative') return `Last ${range.last}`;
  return `${formatUtc(range.from)} → ${formatUtc(range.to)}`;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Auto-refresh choices in seconds (0 = off). */
export const REFRESH_CHOICES = [0, 5, 10, 30, 60, 300] as const;

/** Label of a refresh interval: "Off", "5s", "1m". */
export function formatRefresh(seconds: number): string {
  if (seconds <= 0) return 'Off';
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}
