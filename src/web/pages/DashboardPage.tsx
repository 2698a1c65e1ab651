/**
 * One ACNS dashboard: variables, time range and auto-refresh in the URL; rows of panels, each
 * loading its own queries; collapsed rows load when opened. Marks `data-ready` (and a
 * performance mark) once every panel of the open rows has rendered, for the speed figures.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { pickDefaults } from '../api/variables';
import { QueryCache, queryUrl } from '../api/panel-queries';
import { connection } from '../api/client';
import { Panel, type PanelState } from '../components/Panel';
import { TimeControls } from '../components/TimeControls';
import { VariableBar } from '../components/VariableBar';
import { expandTitle, type ComputeContext, type DashboardDef, type PanelDef } from '../model/dashboards';
import type { TemplateVars } from '../model/drilldown';
import { bucketAxis } from '../model/series';
import { pickStep, resolveRange } from '../model/time-range';
import { resetCoverage } from '../state/coverage';
import { useStore } from '../state/store';
import { useRangeParams, varsFromParams, withVars } from '../state/url-state';
import { perf } from '../state/perf';

/**
 * The panels' time frame: the range trimmed to whole buckets (first and last partial buckets
 * would fake dips in rates and minima), so data lags the range end by at most one step.
 */
export function makeContext(
  rangeFrom: number,
  rangeTo: number,
  now: number,
  vars: TemplateVars,
): ComputeContext {
  const step = pickStep(rangeTo - rangeFrom);
  const ms = step * 1000;
  const from = Math.ceil(rangeFrom / ms) * ms;
  const to = Math.max(from + ms, Math.floor(rangeTo / ms) * ms);
  return { from, to, now, step, axis: bucketAxis(from, to, step), seconds: (to - from) / 1000, vars };
}

export function DashboardPage({ def }: { def: DashboardDef }) {
  const { range, refresh, setRange, setRefresh, params, setParams } = useRangeParams();
  const vars = useMemo(() => varsFromParams(params), [params]);
  const varsKey = JSON.stringify(vars);
  const epoch = useStore(connection, (s) => s.epoch);
  const [tick, setTick] = useState(0);
  // Set when no default could be chosen: panels then render with the variables as they are.
  const [pickFailed, setPickFailed] = useState(false);
  const [open, setOpen] = useState<boolean[]>(() => def.rows.map((r) => !r.collapsed));

  useEffect(() => setOpen(def.rows.map((r) => !r.collapsed)), [def]);

  const ctx = useMemo(() => {
    const now = Date.now();
    const { from, to } = resolveRange(range, now);
    return makeContext(from, to, now, JSON.parse(varsKey) as TemplateVars);
    // tick and epoch force a new context (refresh, reconnect).
  }, [range, varsKey, tick, epoch]);
  const cache = useMemo(() => new QueryCache(), [ctx]);
  const windowQ = useMemo(
    () => ({ since: new Date(ctx.from).toISOString(), until: new Date(ctx.to).toISOString() }),
    [ctx],
  );

  useEffect(() => resetCoverage([ctx.from, ctx.to]), [ctx]);

  // Auto-refresh: only meaningful for relative ranges.
  useEffect(() => {
    if (!refresh || range.kind !== 'relative') return;
    const id = setInterval(() => setTick((t) => t + 1), refresh * 1000);
    return () => clearInterval(id);
  }, [refresh, range.kind]);

  // Defaults for namespace/workload (the busiest for the dashboard's subject).
  const needsPick =
    (def.variables.includes('namespace') && !vars.namespace) ||
    (def.variables.includes('workload') && !vars.workload);
  useEffect(() => {
    if (!needsPick) return;
    let live = true;
    setPickFailed(false);
    pickDefaults(def, windowQ, vars)
      .then((picked) => {
        if (!live) return;
        if (Object.keys(picked).length) setParams((p) => withVars(p, picked), { replace: true });
        else setPickFailed(true);
      })
      .catch(() => live && setPickFailed(true));
    return () => {
      live = false;
    };
  }, [def, needsPick]);

  // Readiness: every panel that started loading (panels load when scrolled into view) is done.
  const progress = useRef({ ctx, started: new Set<string>(), done: new Set<string>() });
  const [, bump] = useState(0);
  if (progress.current.ctx !== ctx) progress.current = { ctx, started: new Set(), done: new Set() };
  const onStart = (id: string, at: ComputeContext) => {
    if (at !== progress.current.ctx || progress.current.started.has(id)) return;
    progress.current.started.add(id);
    bump((n) => n + 1);
  };
  const onDone = (id: string, at: ComputeContext) => {
    if (at !== progress.current.ctx) return;
    progress.current.done.add(id);
    bump((n) => n + 1);
  };
  const { started, done } = progress.current;
  const ready = started.size > 0 && [...started].every((id) => done.has(id));
  useEffect(() => {
    if (ready) perf.dashboardReady(def.id);
  }, [ready, def.id]);

  const blocked = needsPick && !pickFailed;
  return (
    <div
      className="dashboard"
      data-testid="dashboard"
      data-dashboard={def.id}
      data-ready={ready && !blocked ? 'true' : 'false'}
    >
      <div className="page-head">
        <div>
          <h1>{def.title}</h1>
          <div className="muted small">{def.upstream} · ACNS layout, computed from flow records</div>
        </div>
        <TimeControls
          range={range}
          onRange={setRange}
          refresh={refresh}
          onRefresh={setRefresh}
          onReload={() => setTick((t) => t + 1)}
        />
      </div>
      <VariableBar
        variables={def.variables}
        vars={vars}
        window={windowQ}
        onChange={(patch) => setParams((p) => withVars(p, patch))}
        load={ready}
      />
      {def.notes?.map((n) => (
        <p key={n} className="dash-note">
          {n}
        </p>
      ))}
      {blocked ? (
        <div className="panel-msg">Choosing the busiest namespace and workload…</div>
      ) : (
        def.rows.map((row, i) => (
          <div key={i} className="row" data-testid="dashboard-row">
            {row.title && (
              <button
                className="row-title"
                aria-expanded={open[i]}
                onClick={() => setOpen((o) => o.map((x, j) => (j === i ? !x : x)))}
              >
                {open[i] ? '▾' : '▸'} {expandTitle(row.title, vars)}
              </button>
            )}
            {open[i] && (
              <div className="grid">
                {row.panels.map((p) => (
                  <PanelContainer
                    key={p.id}
                    def={p}
                    ctx={ctx}
                    cache={cache}
                    vars={vars}
                    onStart={onStart}
                    onDone={onDone}
                  />
                ))}
              </div>
            )}
          </div>
        ))
      )}
    </div>
  );
}

interface ContainerProps {
  def: PanelDef;
  ctx: ComputeContext;
  cache: QueryCache;
  vars: TemplateVars;
  onStart: (id: string, ctx: ComputeContext) => void;
  onDone: (id: string, ctx: ComputeContext) => void;
}

/** Loads a panel once it comes near the viewport (as Grafana does), then on every refresh. */
function PanelContainer({ def, ctx, cache, vars, onStart, onDone }: ContainerProps) {
  const slot = useRef<HTMLDivElement>(null);
  const [visible, setVisible] = useState(false);
  const [state, setState] = useState<PanelState>({ status: 'idle' });
  const [shownCtx, setShownCtx] = useState<ComputeContext>();
  useEffect(() => {
    if (visible || !slot.current) return;
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && setVisible(true),
      {
        rootMargin: '200px 0px',
      },
    );
    io.observe(slot.current);
    return () => io.disconnect();
  }, [visible]);
  useEffect(() => {
    if (!visible) return;
    let live = true;
    onStart(def.id, ctx);
    setState((s) => (s.status === 'done' ? s : { status: 'loading' }));
    Promise.all(def.queries.map((q) => cache.run(q, ctx, vars))).then(
      (results) => {
        if (!live) return;
        try {
          const data = def.compute(results, ctx);
          const sample = results.find((r) => 'flows' in r && r.truncated) ? 'sampled' : undefined;
          setState({ status: 'done', data, sample });
        } catch (e) {
          setState({ status: 'error', message: e instanceof Error ? e.message : String(e) });
        }
        setShownCtx(ctx);
        onDone(def.id, ctx);
      },
      (e: unknown) => {
        if (!live) return;
        setState({ status: 'error', message: e instanceof Error ? e.message : String(e) });
        onDone(def.id, ctx);
      },
    );
    return () => {
      live = false;
    };
  }, [visible, def, ctx, cache]);
  const urls = def.queries.map((q) => queryUrl(q, ctx, vars));
  return (
    <div ref={slot} className="panel-slot" style={{ gridColumn: `span ${def.span ?? 6}` }}>
      <Panel
        def={def}
        title={expandTitle(def.title, vars)}
        state={state}
        ctx={shownCtx ?? ctx}
        vars={vars}
        queries={urls}
      />
    </div>
  );
}
