/**
 * Runs dashboard panel queries against the API: maps a panel query, the range and the template
 * variables to request parameters, and shares identical requests between panels of one refresh
 * (the Max/Min stats of a pair ask the same question).
 */
import type { AggregateResponse } from '../../server/http/contract';
import type { AggregateQuery, ComputeContext, PanelQuery, QueryResult } from '../model/dashboards';
import { planAggregate } from '../model/query-plan';
import type { TemplateVars } from '../model/drilldown';
import { parseDuration } from '../model/time-range';
import { reportCoverage } from '../state/coverage';
import { api, qs, type FlowQuery } from './client';

/** API parameters of one panel query. */
export function queryParams(
  q: PanelQuery,
  ctx: ComputeContext,
  vars: TemplateVars,
): Record<string, string | number | undefined> {
  const win = q.kind === 'aggregate' && q.window ? parseDuration(q.window) : undefined;
  const from = win ? Math.max(ctx.from, ctx.to - win) : ctx.from;
  const scoped = q.scoped !== false;
  const base: FlowQuery = {
    filter: q.filter,
    since: new Date(from).toISOString(),
    until: new Date(ctx.to).toISOString(),
    node: vars.node,
    namespace: scoped ? vars.namespace : undefined,
    workload: scoped ? vars.workload : undefined,
  };
  if (scoped && (vars.namespace || vars.workload) && q.side) base.side = q.side;
  if (q.kind === 'flows') {
    const p: Record<string, string | number | undefined> = {
      ...(base as Record<string, string | undefined>),
      limit: q.limit,
    };
    if (q.unwindowed) {
      delete p.since;
      delete p.until;
    }
    return p;
  }
  const a = q as AggregateQuery;
  return {
    ...(base as Record<string, string | undefined>),
    groupBy: a.groupBy.join(','),
    measure: a.measure && a.measure !== 'flows' ? a.measure : undefined,
    step: a.series ? ctx.step : undefined,
    k: a.k,
  };
}

/** The query actually sent: aggregate queries go through the merge planner. */
function planned(
  q: PanelQuery,
  vars: TemplateVars,
): { sent: PanelQuery; select: (r: QueryResult) => QueryResult } {
  if (q.kind !== 'aggregate') return { sent: q, select: (r) => r };
  const scoped = q.scoped !== false && !!(vars.namespace || vars.workload);
  const plan = planAggregate(q, scoped);
  return {
    sent: plan.base,
    select: (r) => {
      const a = r as AggregateResponse;
      return { ...a, groupBy: q.groupBy, groups: plan.select(a.groups) };
    },
  };
}

/** The request URL of a panel query, as sent (exposed on the panel for tests and debugging). */
export function queryUrl(q: PanelQuery, ctx: ComputeContext, vars: TemplateVars): string {
  const { sent } = planned(q, vars);
  return `/api/v1/${sent.kind === 'flows' ? 'flows' : 'aggregate'}${qs(queryParams(sent, ctx, vars))}`;
}

/** One refresh's shared requests. */
export class QueryCache {
  #inflight = new Map<string, Promise<QueryResult>>();

  run(query: PanelQuery, ctx: ComputeContext, vars: TemplateVars): Promise<QueryResult> {
    const { sent, select } = planned(query, vars);
    return this.#fetch(sent, ctx, vars).then(select);
  }

  #fetch(q: PanelQuery, ctx: ComputeContext, vars: TemplateVars): Promise<QueryResult> {
    // Not abortable on purpose: several panels share one request; callers drop stale answers.
    const params = queryParams(q, ctx, vars);
    const key = `${q.kind}${qs(params)}`;
    let p = this.#inflight.get(key);
    if (!p) {
      const { groupBy, measure, step, k, limit, ...rest } = params as Record<
        string,
        string | number | undefined
      >;
      p =
        q.kind === 'flows'
          ? api.flows({ ...(rest as FlowQuery), limit: Number(limit) })
          : api.aggregate({
              ...(rest as FlowQuery),
              groupBy: String(groupBy).split(',') as AggregateQuery['groupBy'],
              measure: measure as AggregateQuery['measure'],
              step: step === undefined ? undefined : Number(step),
              k: k === undefined ? undefined : Number(k),
            });
      p.then(
        // Flow samples are truncated by design (their panels say so): not a coverage gap.
        (r) => reportCoverage(r.coverage),
        () => this.#inflight.delete(key),
      );
      this.#inflight.set(key, p);
    }
    return p;
  }
}
