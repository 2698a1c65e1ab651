/**
 * Page state kept in the URL (so every view is a shareable link): the time range, auto-refresh
 * and the dashboard template variables (`var-node`, `var-namespace`, `var-workload`, as Grafana).
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { TemplateVars } from '../model/drilldown';
import { DEFAULT_RANGE, rangeFromParams, rangeToParams, type TimeRange } from '../model/time-range';

/** Range + refresh from the URL, with setters that keep the other parameters. */
export function useRangeParams(fallback: TimeRange = DEFAULT_RANGE) {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => rangeFromParams(params, fallback), [params, fallback]);
  const refresh = Math.max(0, Number(params.get('refresh') ?? 0) || 0);
  const setRange = useCallback(
    (r: TimeRange) => setParams((p) => rangeToParams(r, p), { replace: false }),
    [setParams],
  );
  const setRefresh = useCallback(
    (s: number) =>
      setParams((p) => {
        const n = new URLSearchParams(p);
        if (s > 0) n.set('refresh', String(s));
        else n.delete('refresh');
        return n;
      }),
    [setParams],
  );
  return { range, refresh, setRange, setRefresh, params, setParams };
}

/** Template variables from the URL. */
export function varsFromParams(p: URLSearchParams): TemplateVars {
  const v: TemplateVars = {};
  for (const k of ['node', 'namespace', 'workload'] as const) {
    const x = p.get(`var-${k}`);
    if (x) v[k] = x;
  }
  return v;
}

/** Writes variables (empty removes); changing the namespace clears the workload. */
export function withVars(p: URLSearchParams, patch: Partial<TemplateVars>): URLSearchParams {
  const n = new URLSearchParams(p);
  if ('namespace' in patch && patch.namespace !== p.get('var-namespace') && !('workload' in patch))
    n.delete('var-workload');
  for (const [k, v] of Object.entries(patch)) {
    if (v) n.set(`var-${k}`, v);
    else n.delete(`var-${k}`);
  }
  return n;
}
