/**
 * The flows behind one map edge: its counts by verdict, drop reason and L7 status, and the
 * newest matching flows, with a link to the flows explorer holding the same filter.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { FlowEvent } from '../../flow/types';
import { api } from '../api/client';
import { flowsHref } from '../model/drilldown';
import { flowRow } from '../model/flow-view';
import { shellQuote } from '../model/observe-flags';
import type { MapEdge } from '../model/service-graph';

interface Props {
  edge: MapEdge;
  filter: string[];
  from: number;
  to: number;
  synthetic: boolean;
}

export function EdgeFlows({ edge, filter, from, to, synthetic }: Props) {
  const flags = filter.map(shellQuote).join(' ');
  // On a red edge, the flows worth seeing first are the dropped ones.
  const dropped = edge.cls === 'dropped';
  const listFlags = dropped ? `${flags} --verdict DROPPED` : flags;
  const [flows, setFlows] = useState<FlowEvent[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (synthetic) return;
    let live = true;
    setFlows(undefined);
    setError(undefined);
    api
      .flows({
        filter: listFlags,
        since: new Date(from).toISOString(),
        until: new Date(to).toISOString(),
        limit: 100,
      })
      .then(
        (r) => live && setFlows(r.flows),
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    return () => {
      live = false;
    };
  }, [listFlags, from, to, synthetic]);
  const e = edge.edge;
  const kv = (o: Record<string, number | undefined> | undefined) =>
    Object.entries(o ?? {})
      .filter(([, v]) => v)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return (
    <div className="edge-flows" data-testid="edge-flows" data-cls={edge.cls}>
      <h3>
        <i style={{ background: edge.color }} /> {e.source} → {e.target}
      </h3>
      <div className="muted">{edge.label}</div>
      <dl>
        <dt>verdicts</dt>
        <dd>{kv(e.verdicts)}</dd>
        {e.dropReasons && (
          <>
            <dt>drop reasons</dt>
            <dd>{kv(e.dropReasons)}</dd>
          </>
        )}
        {e.l7 && (
          <>
            <dt>L7</dt>
            <dd>{kv(e.l7)}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <Link to={flowsHref({ filter: flags, from, to })} data-testid="edge-flows-link">
          All its flows ↗
        </Link>
        {dropped && <Link to={flowsHref({ filter: listFlags, from, to })}>Dropped flows ↗</Link>}
      </div>
      <h4 className="muted">{dropped ? 'Newest dropped flows' : 'Newest flows'}</h4>
      {error && <div className="error">{error}</div>}
      {!synthetic && !flows && !error && <div className="muted">Loading flows…</div>}
      {flows && (
        <ul className="mini-flows" data-testid="edge-flow-rows">
          {flows.length === 0 && <li className="muted">No flows in this window.</li>}
          {[...flows]
            .reverse()
            .slice(0, 100)
            .map((ev, i) => {
              const r = flowRow(ev, i);
              if (!r) return null;
              return (
                <li key={r.key} className={`v-${r.verdict.toLowerCase()}`}>
                  <span>{r.time}</span> <b>{r.verdict}</b> <span>{r.summary}</span>
                </li>
              );
            })}
        </ul>
      )}
    </div>
  );
}
