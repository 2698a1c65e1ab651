/**
 * Cardinality degradation levels. A family's budget is split into ceilings: new series are
 * created at pod granularity until the family holds 70 % of its budget, at workload
 * granularity until 85 %, at namespace granularity until 95 %, and fully folded
 * (`_overflow_` in every high-cardinality label) until 100 %. Past the budget an
 * increment that matches no existing series is dropped and counted. Existing series
 * keep counting at their own granularity, so nothing already visible changes meaning.
 */

/**
 * Granularity of a series' high-cardinality labels: 0 pod, 1 workload, 2 namespace,
 * 3 overflow (folded), and 4 for increments dropped because even the folded series did not fit.
 */
export type Level = 0 | 1 | 2 | 3 | 4;

/** Named levels. */
export const Level = { Pod: 0, Workload: 1, Namespace: 2, Overflow: 3, Dropped: 4 } as const;

/** Names used in the `granularity` label of the overflow counter, indexed by Level. */
export const LEVEL_NAMES = ['pod', 'workload', 'namespace', 'overflow', 'dropped'] as const;

/** Share of the budget up to which new series may be created at each level. */
export const LEVEL_CEILINGS = [0.7, 0.85, 0.95, 1] as const;

/** The placeholder that replaces a folded label value. */
export const OVERFLOW_VALUE = '_overflow_';

/** Computes the per-level series ceilings for a budget (each at least 1 and non-decreasing). */
export function levelCeilings(budget: number): number[] {
  return LEVEL_CEILINGS.map((f, i) =>
    i === LEVEL_CEILINGS.length - 1 ? budget : Math.max(1, Math.floor(budget * f)),
  );
}
