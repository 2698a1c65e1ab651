/**
 * The honesty bar: connection state (live, reconnecting with the next retry, token needed),
 * what the server holds (flows, store time span, lost flows, nodes) and what the data on screen
 * covers (nodes that answered, flows examined and lost, truncation, history gaps).
 */
import { useEffect, useState } from 'react';
import { connection } from '../api/client';
import { formatUtc } from '../model/time-range';
import { shortNumber } from '../model/format';
import { pageCoverage } from '../state/coverage';
import { useStore } from '../state/store';

function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

const LABEL = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting',
  unauthorized: 'Token required',
};

export function StatusBar() {
  const c = useStore(connection);
  const pc = useStore(pageCoverage);
  const now = useNow(1000);
  const st = c.status;
  // status.store carries the span held (ring + store) even when no persistent store is enabled.
  const held = st ? { oldest: st.store.oldest, newest: st.store.newest } : undefined;
  const oldest = pc.coverage?.oldest ?? held?.oldest;
  const newest = pc.coverage?.newest ?? held?.newest;
  const nodes = pc.coverage?.nodes ?? st?.nodes ?? [];
  const answered = nodes.filter((n) => n.state === 'CONNECTED' || n.state === 'LOCAL').length;
  const gap = pc.window && oldest && Date.parse(oldest) > pc.window[0] + 60_000;
  const retryIn = c.nextRetryAt ? Math.max(0, Math.ceil((c.nextRetryAt - now) / 1000)) : undefined;
  return (
    <div className="statusbar" role="status" aria-live="polite" data-testid="statusbar">
      <span className={`conn conn-${c.state}`} data-testid="connection" data-state={c.state}>
        <span className="dot" /> {LABEL[c.state]}
        {c.state === 'reconnecting' && (
          <span className="muted">
            {' '}
            ({c.message ?? 'server unreachable'}; attempt {c.failures}
            {retryIn !== undefined ? `, next in ${retryIn}s` : ''})
          </span>
        )}
      </span>
      {st && (
        <span title="Flows held in the ring / its capacity, flows per second">
          ring {shortNumber(st.numFlows)}/{shortNumber(st.maxFlows)} · {shortNumber(st.flowsPerSecond)}{' '}
          flows/s
        </span>
      )}
      <span data-testid="store-span" title="Time span the server actually holds (ring + store)">
        holds {oldest ? formatUtc(Date.parse(oldest)) : '?'} → {newest ? formatUtc(Date.parse(newest)) : '?'}{' '}
        UTC
      </span>
      <span
        data-testid="lost"
        className={(pc.coverage?.lost ?? st?.lostFlows ?? 0) > 0 ? 'warn' : ''}
        title="Flows lost in the pipeline (window / since start)"
      >
        lost {shortNumber(pc.coverage?.lost ?? 0)} in view · {shortNumber(st?.lostFlows ?? 0)} since start
      </span>
      <span
        data-testid="nodes"
        title={nodes.map((n) => `${n.name}: ${n.state}${n.message ? ` (${n.message})` : ''}`).join('\n')}
      >
        nodes {answered}/{nodes.length} answered
        {nodes.some((n) => n.state === 'UNAVAILABLE' || n.state === 'ERROR') && (
          <span className="warn">
            {' '}
            missing:{' '}
            {nodes
              .filter((n) => n.state === 'UNAVAILABLE' || n.state === 'ERROR')
              .map((n) => n.name)
              .join(', ')}
          </span>
        )}
      </span>
      {pc.coverage && <span>examined {shortNumber(pc.coverage.examined)} flows</span>}
      {pc.truncated && <span className="warn">results truncated (newest shown)</span>}
      {gap && (
        <span className="warn" data-testid="history-gap">
          no data before {formatUtc(Date.parse(oldest!))} UTC
        </span>
      )}
    </div>
  );
}
