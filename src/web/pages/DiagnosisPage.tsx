/**
 * Diagnosis: the findings of the server's diagnosis engine over the chosen window, each with its
 * evidence, explanation and next steps, linked to the dashboard panel, the map edge and the
 * flows that prove it. Says so plainly when the server has no diagnosis engine yet.
 */
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, connection } from '../api/client';
import { CopyButton } from '../components/CopyButton';
import { TimeControls } from '../components/TimeControls';
import { diagnosisView, type DiagnosisView } from '../model/diagnosis';
import { flowsHref } from '../model/drilldown';
import { shellQuote } from '../model/observe-flags';
import { resolveRange } from '../model/time-range';
import { useStore } from '../state/store';
import { useRangeParams } from '../state/url-state';

export function DiagnosisPage() {
  const { range, setRange, refresh, setRefresh } = useRangeParams();
  const epoch = useStore(connection, (s) => s.epoch);
  const [tick, setTick] = useState(0);
  const [view, setView] = useState<DiagnosisView>();
  const [state, setState] = useState<'loading' | 'done' | 'missing' | 'error'>('loading');
  const [error, setError] = useState<string>();
  const { from, to } = useMemo(() => resolveRange(range, Date.now()), [range, tick, epoch]);

  useEffect(() => {
    if (!refresh) return;
    const id = setInterval(() => setTick((t) => t + 1), refresh * 1000);
    return () => clearInterval(id);
  }, [refresh]);

  useEffect(() => {
    let live = true;
    setState('loading');
    api.diagnosis({ since: new Date(from).toISOString(), until: new Date(to).toISOString() }).then(
      (r) => {
        if (!live) return;
        setView(diagnosisView(r));
        setState('done');
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 404 || e.status === 501)) setState('missing');
        else {
          setError(e instanceof Error ? e.message : String(e));
          setState('error');
        }
      },
    );
    return () => {
      live = false;
    };
  }, [from, to]);

  return (
    <div className="diagnosis-page" data-testid="diagnosis-page" data-state={state}>
      <div className="page-head">
        <h1>Diagnosis</h1>
        <TimeControls
          range={range}
          onRange={setRange}
          refresh={refresh}
          onRefresh={setRefresh}
          onReload={() => setTick((t) => t + 1)}
        />
      </div>
      {state === 'loading' && <div className="panel-msg">Diagnosing…</div>}
      {state === 'missing' && (
        <div className="panel-msg" data-testid="diagnosis-missing">
          This server has no diagnosis engine yet (GET /api/v1/diagnosis answered “not found”). The
          dashboards, the map and the flows explorer work without it.
        </div>
      )}
      {state === 'error' && <div className="error">{error}</div>}
      {state === 'done' && view && (
        <>
          <div className="muted small">
            {view.window && <>window {view.window} · </>}
            {view.coverage}
          </div>
          {view.findings.length === 0 && (
            <div className="panel-msg">No findings: nothing looks wrong in this window.</div>
          )}
          <ol className="findings">
            {view.findings.map((f, i) => (
              <li
                key={i}
                id={f.id}
                className={`finding sev-${f.severity}`}
                data-testid="finding"
                data-kind={f.kind}
              >
                <header>
                  <span className="sev">{f.severity}</span>
                  <span className="kind">{f.kind}</span>
                  <h2>{f.title}</h2>
                </header>
                <div className="where">
                  {f.namespace && <span>namespace {f.namespace}</span>}
                  {f.workload && <span> · workload {f.workload}</span>}
                  {f.peer && <span> · peer {f.peer}</span>}
                  {f.since && <span> · since {f.since}</span>}
                  {f.pods.length > 0 && <div className="muted">pods: {f.pods.join(', ')}</div>}
                </div>
                {f.explanation && <p>{f.explanation}</p>}
                {f.policies.length > 0 && (
                  <ul className="policies">
                    {f.policies.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
                {(f.figures.length > 0 || f.evidence.length > 0) && (
                  <table className="fields" data-testid="finding-evidence">
                    <tbody>
                      {[...f.figures, ...f.evidence].map(([k, v]) => (
                        <tr key={k}>
                          <th>{k}</th>
                          <td>{v}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
                {f.samples.length > 0 && (
                  <div className="samples">
                    sample flows:{' '}
                    {f.samples.map((u) => (
                      <Link
                        key={u}
                        to={flowsHref({ filter: `--uuid ${shellQuote(u)}`, from: 0, to: Date.now() })}
                      >
                        {u.slice(0, 8)}
                      </Link>
                    ))}
                  </div>
                )}
                {f.next.map((n) => (
                  <div key={n.command} className="next-step">
                    {n.description && <div className="muted">{n.description}</div>}
                    <div className="cmd">
                      <code>{n.command}</code>
                      <CopyButton text={n.command} />
                    </div>
                  </div>
                ))}
                {f.proposal && (
                  <details>
                    <summary>Smallest rule that would admit this traffic</summary>
                    <pre className="json">{f.proposal}</pre>
                  </details>
                )}
                {(f.causes.length > 0 || f.effects.length > 0) && (
                  <div className="muted">
                    {f.causes.length > 0 && <>explained by: {f.causes.join(', ')} </>}
                    {f.effects.length > 0 && <>explains: {f.effects.join(', ')}</>}
                  </div>
                )}
                <div className="actions">
                  {f.links.dashboard && <Link to={f.links.dashboard}>Dashboard panel ↗</Link>}
                  {f.links.map && <Link to={f.links.map}>Map edge ↗</Link>}
                  {f.links.flows && <Link to={f.links.flows}>Flows ↗</Link>}
                </div>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
