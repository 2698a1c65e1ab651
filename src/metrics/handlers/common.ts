/** Helpers shared by the handlers. */
import { OVERFLOW_VALUE } from '../store/levels.js';
import type { Family, FamilySpec, MetricType } from '../store/family.js';
import type { HandlerContext } from '../types.js';

/** Prometheus client default histogram buckets (Hubble's HTTP/Kafka duration histograms). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates a family whose labels are the handler's context labels followed by `own` labels.
 * `ownDegradable` says whether one of the own labels folds with the level (e.g. `query`).
 */
export function contextFamily(
  h: HandlerContext,
  name: string,
  help: string,
  type: MetricType,
  own: readonly string[],
  extra: Partial<Pick<FamilySpec, 'buckets'>> & { ownDegradable?: boolean } = {},
): Family {
  return h.family({
    name,
    help,
    type,
    labels: [...h.context.names, ...own],
    buckets: extra.buckets,
    degradable: h.context.degradable || (extra.ownDegradable ?? false),
    podLabels: h.context.podLabels,
  });
}

/**
 * Folds a DNS name: exact at level 0, `*.` + its last two labels at level 1 (the registrable
 * part, roughly), `_overflow_` from level 2 on.
 */
export function foldQuery(q: string, level: number): string {
  if (level === 0) return q;
  if (level >= 2) return OVERFLOW_VALUE;
  const trimmed = q.endsWith('.') ? q.slice(0, -1) : q;
  const parts = trimmed.split('.');
  if (parts.length <= 2) return q;
  return `*.${parts.slice(-2).join('.')}${q.endsWith('.') ? '.' : ''}`;
}

/** Keeps a value while `level <= keepUpTo`, else `_overflow_`. */
export function foldValue(v: string, level: number, keepUpTo: number): string {
  return level <= keepUpTo ? v : OVERFLOW_VALUE;
}
