/**
 * The time-range picker (last 5m … 7d, or an absolute UTC range) and the auto-refresh picker.
 */
import { useState } from 'react';
import {
  formatRange,
  formatRefresh,
  formatUtc,
  parseInstant,
  QUICK_RANGES,
  REFRESH_CHOICES,
  resolveRange,
  type TimeRange,
} from '../model/time-range';

interface Props {
  range: TimeRange;
  onRange: (r: TimeRange) => void;
  refresh?: number;
  onRefresh?: (s: number) => void;
  onReload?: () => void;
}

export function TimeControls({ range, onRange, refresh, onRefresh, onReload }: Props) {
  const [custom, setCustom] = useState(false);
  const now = Date.now();
  const { from, to } = resolveRange(range, now);
  const [fromText, setFrom] = useState(formatUtc(from));
  const [toText, setTo] = useState(formatUtc(to));
  const [err, setErr] = useState<string>();
  const value = range.kind === 'relative' ? range.last : 'custom';

  const apply = () => {
    const f = parseInstant(fromText.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(fromText) ? '' : 'Z'));
    const t = parseInstant(toText.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(toText) ? '' : 'Z'));
    if (f === undefined || t === undefined || f >= t) {
      setErr('Enter two UTC times, the first before the second');
      return;
    }
    setErr(undefined);
    setCustom(false);
    onRange({ kind: 'absolute', from: f, to: t });
  };

  return (
    <div className="time-controls" data-testid="time-controls">
      <label>
        <span className="sr">Time range</span>
        <select
          aria-label="Time range"
          data-testid="range-select"
          value={custom ? 'custom' : value}
          onChange={(e) => {
            if (e.target.value === 'custom') {
              setFrom(formatUtc(from));
              setTo(formatUtc(to));
              setCustom(true);
            } else {
              setCustom(false);
              onRange({ kind: 'relative', last: e.target.value });
            }
          }}
        >
          {QUICK_RANGES.map((r) => (
            <option key={r} value={r}>
              Last {r}
            </option>
          ))}
          <option value="custom">{range.kind === 'absolute' ? formatRange(range) : 'Absolute range…'}</option>
        </select>
      </label>
      {custom && (
        <span className="abs-range">
          <input
            aria-label="From (UTC)"
            value={fromText}
            onChange={(e) => setFrom(e.target.value)}
            size={19}
          />
          <span>→</span>
          <input aria-label="To (UTC)" value={toText} onChange={(e) => setTo(e.target.value)} size={19} />
          <span className="muted">UTC</span>
          <button onClick={apply}>Apply</button>
          {err && <span className="error">{err}</span>}
        </span>
      )}
      {onRefresh && (
        <label>
          <span className="muted">Refresh</span>
          <select
            aria-label="Auto-refresh"
            data-testid="refresh-select"
            value={refresh ?? 0}
            onChange={(e) => onRefresh(Number(e.target.value))}
          >
            {REFRESH_CHOICES.map((s) => (
              <option key={s} value={s}>
                {formatRefresh(s)}
              </option>
            ))}
          </select>
        </label>
      )}
      {onReload && (
        <button onClick={onReload} title="Reload now" aria-label="Reload now">
          ⟳
        </button>
      )}
    </div>
  );
}
