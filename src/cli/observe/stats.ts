/**
 * `--stats` (flowlens extension): counts of the selected flows by verdict, event type and
 * namespace, printed instead of the flows. Keys are the values the filter flags take
 * (`--verdict`, `--type`, `--namespace`), so a count can be drilled into directly.
 */
import type { FlowEvent } from '../../flow/index.js';
import { sanitize } from '../printers/index.js';
import { EVENT_TYPE_NAMES } from '../../filter/flag-values.js';

const TYPE_NAMES = new Map([...EVENT_TYPE_NAMES].map(([name, n]) => [n, name]));

/** Text shown for flows without a namespace on either side. */
export const NO_NAMESPACE = '(none)';

/** Running counts. */
export class FlowStats {
  flows = 0;
  /** Responses without a flow that were selected (node status, lost events, `{}`). */
  other = 0;
  readonly verdict = new Map<string, number>();
  readonly type = new Map<string, number>();
  readonly namespace = new Map<string, number>();

  /** Counts one selected response. */
  add(ev: FlowEvent): void {
    const f = ev.flow;
    if (f === undefined) {
      this.other++;
      return;
    }
    this.flows++;
    const v = f.verdict;
    bump(this.verdict, v === undefined || v === 0 ? 'VERDICT_UNKNOWN' : String(v));
    const t = f.event_type?.type;
    bump(this.type, t === undefined ? 'unknown' : (TYPE_NAMES.get(t) ?? String(t)));
    const src = f.source?.namespace ?? '';
    const dst = f.destination?.namespace ?? '';
    if (src !== '') bump(this.namespace, src);
    if (dst !== '' && dst !== src) bump(this.namespace, dst);
    if (src === '' && dst === '') bump(this.namespace, NO_NAMESPACE);
  }

  /** Plain-text report (counts descending, then names ascending). */
  renderText(): string {
    let out = `flows: ${this.flows}\n`;
    if (this.other > 0) out += `other responses: ${this.other}\n`;
    out += section('verdict', this.verdict);
    out += section('type', this.type);
    out += section('namespace (source or destination)', this.namespace);
    return out;
  }

  /** One JSON object (for `-o json` / `-o jsonpb`). */
  renderJson(): string {
    const obj = (m: Map<string, number>): Record<string, number> => Object.fromEntries(sorted(m));
    return (
      JSON.stringify({
        flows: this.flows,
        other: this.other,
        verdict: obj(this.verdict),
        type: obj(this.type),
        namespace: obj(this.namespace),
      }) + '\n'
    );
  }
}

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function sorted(m: Map<string, number>): [string, number][] {
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function section(title: string, m: Map<string, number>): string {
  const rows = sorted(m);
  let out = `\nby ${title}:\n`;
  if (rows.length === 0) return out + '  (none)\n';
  // Names come from the input: never let control characters reach the terminal.
  const names = rows.map(([k]) => sanitize(k));
  const width = Math.max(...names.map((k) => [...k].length));
  const numWidth = Math.max(...rows.map(([, n]) => String(n).length));
  rows.forEach(([, n], i) => {
    out += `  ${names[i] + ' '.repeat(width - [...names[i]].length)}  ${String(n).padStart(numWidth)}\n`;
  });
  return out;
}
