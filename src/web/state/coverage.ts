/**
 * What the current page's data covers, for the honesty bar: nodes that answered, lost flows,
 * flows examined, and whether answers were truncated or sampled.
 */
import type { Coverage } from '../../server/http/contract';
import { createStore } from './store';

export interface PageCoverage {
  coverage?: Coverage;
  /** Requested window (epoch ms). */
  window?: [number, number];
  truncated?: boolean;
  note?: string;
}

export const pageCoverage = createStore<PageCoverage>({});

/**
 * Records one answer's coverage. Answers of one page differ in what they examined: the page
 * shows the most examined and the most lost, the newest node states and held span; truncation
 * sticks until the next reset.
 */
export function reportCoverage(c: Coverage | undefined, extra: Omit<PageCoverage, 'coverage'> = {}): void {
  if (!c) return;
  pageCoverage.set((s) => ({
    ...s,
    ...extra,
    coverage: {
      ...c,
      examined: Math.max(c.examined, s.coverage?.examined ?? 0),
      lost: Math.max(c.lost, s.coverage?.lost ?? 0),
    },
    truncated: s.truncated || extra.truncated,
  }));
}

export function resetCoverage(window?: [number, number]): void {
  pageCoverage.set({ coverage: undefined, window, truncated: false, note: undefined });
}
