/**
 * The flows explorer: a filter bar taking `flowlens observe` flags (echoing the raw filter and
 * the equivalent command), live mode over the SSE stream with pause/resume, or a time range
 * from history; a virtualised table, a detail drawer and export of the selection as JSON lines.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { FlowEvent } from '../../flow/types';
import type { FlowFilter } from '../../filter/types';
import { api, connection, type FlowQuery } from '../api/client';
import { openFlowStream } from '../api/stream';
import { FlowDrawer } from '../components/FlowDrawer';
import { clearRowCache, FlowsTable, type RowSource } from '../components/FlowsTable';
import { TimeControls } from '../components/TimeControls';
import { andInto } from '../model/drilldown';
import { formatRawFilter, parseFilterBar } from '../model/filter-echo';
import { toJsonLines } from '../model/flow-view';
import { commandForQuery } from '../model/observe-command';
import { parseDuration, resolveRange, type TimeRange } from '../model/time-range';
import { resetCoverage, reportCoverage } from '../state/coverage';
import { FlowBuffer } from '../state/flow-buffer';
import { perf } from '../state/perf';
import { useStore } from '../state/store';
import { useRangeParams } from '../state/url-state';
import { CopyButton } from '../components/CopyButton';

const LIVE_HISTORY = 500;

function parseAnd(s: string | null): FlowFilter | undefined {
  if (!s) return undefined;
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as FlowFilter) : undefined;
  } catch {
    return undefined;
  }
}

/** The API query for the bar's flags plus ANDed extras. */
function apiQuery(filterText: string, and: FlowFilter | undefined): FlowQuery | { error: string } {
  const p = parseFilterBar(filterText);
  if (p.error) return { error: p.error };
  if (!and) return { filter: p.filterFlags };
  return { allow: andInto(p.allow, and), deny: p.deny };
}

export function FlowsPage() {
  const { range, params, setParams } = useRangeParams();
  const filterText = params.get('filter') ?? '';
  const and = useMemo(() => parseAnd(params.get('and')), [params]);
  const live = !params.has('from') && params.get('mode') !== 'range';
  const epoch = useStore(connection, (s) => s.epoch);

  const [draft, setDraft] = useState(filterText);
  useEffect(() => setDraft(filterText), [filterText]);
  const echo = useMemo(() => parseFilterBar(draft), [draft]);

  const buffer = useRef(new FlowBuffer(50_000)).current;
  const [version, setVersion] = useState(0);
  const [paused, setPaused] = useState(false);
  const pausedAt = useRef(0);
  const [streamState, setStreamState] = useState('idle');
  const [error, setError] = useState<string>();
  const [truncated, setTruncated] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [active, setActive] = useState<{ ev: FlowEvent; seq: number }>();
  const lastToggle = useRef<number | undefined>(undefined);
  const stats = useRef({ batches: 0, maxBatch: 0, rendered: 0 });

  // Render at most once per animation frame however fast flows arrive.
  const frame = useRef(0);
  const schedule = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      setVersion(buffer.version);
    });
  }, [buffer]);

  const query = useMemo(() => apiQuery(filterText, and), [filterText, and]);

  useEffect(() => {
    buffer.clear();
    clearRowCache();
    setSelected(new Set());
    setError(undefined);
    setTruncated(false);
    schedule();
    if ('error' in query) {
      setError(query.error);
      return;
    }
    if (live) {
      resetCoverage();
      const close = openFlowStream(
        { query, history: LIVE_HISTORY },
        {
          onFlows: (evs) => {
            buffer.push(evs);
            stats.current.batches++;
            stats.current.maxBatch = Math.max(stats.current.maxBatch, evs.length);
            schedule();
          },
          onLost: (n) => {
            buffer.addLost(n);
            schedule();
          },
          onStatus: (s) => connection.set({ status: s }),
          onState: (s, detail) => {
            setStreamState(detail ? `${s}: ${detail}` : s);
            if (s === 'error') setError(detail);
          },
        },
      );
      return close;
    }
    const { from, to } = resolveRange(range, Date.now());
    resetCoverage([from, to]);
    let alive = true;
    setStreamState('loading');
    api
      .flows({
        ...query,
        since: new Date(from).toISOString(),
        until: new Date(to).toISOString(),
        limit: 10000,
      })
      .then(
        (r) => {
          if (!alive) return;
          buffer.push(r.flows);
          setTruncated(r.truncated);
          reportCoverage(r.coverage, { truncated: r.truncated });
          setStreamState('loaded');
          schedule();
        },
        (e: unknown) =>
          alive && (setError(e instanceof Error ? e.message : String(e)), setStreamState('error')),
      );
    return () => {
      alive = false;
    };
  }, [query, live, range, epoch, buffer, schedule]);

  useEffect(() => {
    stats.current.rendered++;
    perf.flows({
      received: buffer.received,
      lost: buffer.lost,
      rendered: stats.current.rendered,
      batches: stats.current.batches,
      maxBatch: stats.current.maxBatch,
    });
  }, [version, buffer]);

  const offset = paused ? Math.max(0, buffer.received - pausedAt.current) : 0;
  const source: RowSource = useMemo(
    () => ({ count: Math.max(0, buffer.size - offset), at: (i: number) => buffer.newest(i + offset) }),
    [version, offset, buffer],
  );

  const apply = (text: string) => {
    const p = parseFilterBar(text);
    setParams((old) => {
      const n = new URLSearchParams(old);
      n.set('filter', p.error ? text : p.filterFlags);
      if (p.time.since || p.time.until) {
        const now = Date.now();
        const at = (s: string) => (parseDuration(s) !== undefined ? now - parseDuration(s)! : Date.parse(s));
        const from = p.time.since ? at(p.time.since) : now - 3_600_000;
        const to = p.time.until ? at(p.time.until) : now;
        if (Number.isFinite(from) && Number.isFinite(to) && from < to) {
          n.set('from', new Date(from).toISOString());
          n.set('to', new Date(to).toISOString());
          n.delete('range');
        }
      }
      return n;
    });
  };
  const setMode = (m: 'live' | 'range', r?: TimeRange) =>
    setParams((old) => {
      const n = new URLSearchParams(old);
      n.delete('from');
      n.delete('to');
      if (m === 'live') {
        n.delete('mode');
        n.delete('range');
      } else {
        n.set('mode', 'range');
        if (r?.kind === 'absolute') {
          n.set('from', new Date(r.from).toISOString());
          n.set('to', new Date(r.to).toISOString());
        } else n.set('range', r?.kind === 'relative' ? r.last : '15m');
      }
      return n;
    });

  const toggle = (seq: number, index: number, shift: boolean) => {
    setSelected((old) => {
      const n = new Set(old);
      if (shift && lastToggle.current !== undefined) {
        const [a, b] = [Math.min(lastToggle.current, index), Math.max(lastToggle.current, index)];
        for (let i = a; i <= b; i++) {
          const e = source.at(i);
          if (e) n.add(e.seq);
        }
      } else if (n.has(seq)) n.delete(seq);
      else n.add(seq);
      lastToggle.current = index;
      return n;
    });
  };
  const selectAll = () => {
    const n = new Set<number>();
    for (let i = 0; i < source.count; i++) n.add(source.at(i)!.seq);
    setSelected(n);
  };
  const exportSelection = () => {
    const evs: FlowEvent[] = [];
    for (let i = source.count - 1; i >= 0; i--) {
      const e = source.at(i)!;
      if (selected.has(e.seq)) evs.push(e.ev);
    }
    const blob = new Blob([toJsonLines(evs)], { type: 'application/x-ndjson' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `flowlens-flows-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const { from, to } = resolveRange(range, Date.now());
  const cmd = commandForQuery({
    filterFlags: echo.error ? undefined : echo.filterFlags,
    since: live ? undefined : new Date(from).toISOString(),
    until: live ? undefined : new Date(to).toISOString(),
    allow: and ? andInto(echo.allow, and) : undefined,
    extra: live ? ['--follow'] : [],
  });

  return (
    <div className="flows-page" data-testid="flows-page" data-mode={live ? 'live' : 'range'}>
      <div className="page-head">
        <h1>Flows</h1>
        <div className="mode">
          <button className={live ? 'on' : ''} onClick={() => setMode('live')} aria-pressed={live}>
            Live
          </button>
          <button className={!live ? 'on' : ''} onClick={() => setMode('range', range)} aria-pressed={!live}>
            History
          </button>
          {!live && <TimeControls range={range} onRange={(r) => setMode('range', r)} />}
        </div>
      </div>
      <form
        className="filter-bar"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <input
          aria-label="Filter flags"
          data-testid="filter-input"
          placeholder="flowlens observe flags, e.g. --verdict DROPPED --to-namespace shop"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          spellCheck={false}
        />
        <button type="submit" data-testid="filter-apply">
          Apply
        </button>
        {filterText && (
          <button type="button" onClick={() => apply('')}>
            Clear
          </button>
        )}
      </form>
      <div className="filter-echo">
        {echo.error ? (
          <span className="error" data-testid="filter-error">
            {echo.error}
          </span>
        ) : (
          <pre data-testid="raw-filter">{formatRawFilter(echo, and ? [and] : undefined)}</pre>
        )}
        {echo.ignored.length > 0 && <span className="muted">ignored here: {echo.ignored.join(' ')}</span>}
        <div className="cmd">
          <code data-testid="query-command">{cmd}</code>
          <CopyButton text={cmd} />
        </div>
      </div>
      <div className="flows-toolbar">
        {live && (
          <button
            data-testid="pause"
            onClick={() => {
              if (!paused) pausedAt.current = buffer.received;
              setPaused(!paused);
            }}
          >
            {paused ? '▶ Resume' : '❚❚ Pause'}
          </button>
        )}
        <span data-testid="flow-count">
          {source.count} shown · {buffer.received} received
          {paused && offset > 0 ? ` · ${offset} new while paused` : ''}
          {buffer.evicted > 0 ? ` · ${buffer.evicted} rolled out of the ${buffer.capacity} buffer` : ''}
          {buffer.lost > 0 ? ` · ${buffer.lost} lost by the server` : ''}
        </span>
        {truncated && <span className="warn">more flows matched: newest 10,000 shown</span>}
        <span className="muted" data-testid="stream-state">
          {streamState}
        </span>
        <span className="spacer" />
        <button onClick={selectAll}>Select all</button>
        <button onClick={() => setSelected(new Set())} disabled={!selected.size}>
          Clear selection
        </button>
        <button data-testid="export" onClick={exportSelection} disabled={!selected.size}>
          Export {selected.size} as JSON lines
        </button>
      </div>
      {error && (
        <div className="error" data-testid="flows-error">
          {error}
        </div>
      )}
      <FlowsTable
        source={source}
        version={version}
        selected={selected}
        onToggle={toggle}
        onOpen={(ev, seq) => setActive({ ev, seq })}
        activeSeq={active?.seq}
      />
      {active && <FlowDrawer ev={active.ev} onClose={() => setActive(undefined)} />}
    </div>
  );
}
