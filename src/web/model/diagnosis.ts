/**
 * The diagnosis page's view model: reads the report of GET /api/v1/diagnosis (schema of issue 7:
 * window, coverage, findings with kind, severity, title, subject, peer, since, evidence,
 * explanation, next) tolerantly, and links each finding to the dashboard panel, the map edge and
 * the flows that prove it.
 */
import { flowsHref, type FlowsLink } from './drilldown';
import { parseFilterBar } from './filter-echo';
import { tokenize } from './observe-flags';

export interface FindingView {
  id?: string;
  kind: string;
  severity: string;
  title: string;
  namespace?: string;
  workload?: string;
  pods: string[];
  peer?: string;
  since?: string;
  explanation?: string;
  /** Figures as "label" → "value unit (baseline …)". */
  figures: [string, string][];
  /** Other evidence (statistical test, rule details) as text. */
  evidence: [string, string][];
  /** uuids of sample flows. */
  samples: string[];
  next: { description?: string; command: string }[];
  policies: string[];
  proposal?: string;
  causes: string[];
  effects: string[];
  links: { dashboard?: string; map?: string; flows?: string };
}

export interface DiagnosisView {
  window?: string;
  coverage?: string;
  findings: FindingView[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Dashboard of each finding kind. */
const DASHBOARD_OF: Record<string, string> = {
  dns: 'dns-workload',
  'policy-drop': 'drops-workload',
  drop: 'drops-workload',
  imbalance: 'pod-flows-workload',
  'tcp-reset': 'pod-flows-workload',
  'l7-errors': 'l7-workload',
  latency: 'l7-workload',
};

/** The flows link of a `flowlens observe …` command (flags, since/until). */
export function linkFromCommand(cmd: string): FlowsLink | undefined {
  let words: string[];
  try {
    words = tokenize(cmd);
  } catch {
    return undefined;
  }
  const i = words.indexOf('observe');
  if (i < 0) return undefined;
  const p = parseFilterBar(
    words
      .slice(i + 1)
      .map((w) => (/[\s'"\\]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w))
      .join(' '),
  );
  if (p.error) return undefined;
  const link: FlowsLink = { filter: p.filterFlags };
  const since = p.time.since ? Date.parse(p.time.since) : NaN;
  const until = p.time.until ? Date.parse(p.time.until) : NaN;
  if (!Number.isNaN(since)) {
    link.from = since;
    link.to = Number.isNaN(until) ? Date.now() : until;
  }
  return link;
}

/** "0.42 (baseline 0.01)", ratios as percentages. */
function figureText(f: Obj): string {
  const unit = str(f.unit);
  const fmt = (n: unknown): string => {
    if (typeof n !== 'number') return String(n);
    if (unit === 'ratio') return `${(n * 100).toFixed(n < 0.1 ? 2 : 1)}%`;
    const v = Number.isInteger(n) ? String(n) : n.toFixed(2);
    return unit === 'ms' ? `${v} ms` : unit === 'per_s' ? `${v}/s` : v;
  };
  return `${fmt(f.value)}${f.baseline !== undefined ? ` (baseline ${fmt(f.baseline)})` : ''}`;
}

function evidenceOf(v: unknown): Pick<FindingView, 'figures' | 'evidence' | 'samples'> {
  const out: Pick<FindingView, 'figures' | 'evidence' | 'samples'> = {
    figures: [],
    evidence: [],
    samples: [],
  };
  if (!isObj(v)) {
    if (v !== undefined) out.evidence.push(['evidence', JSON.stringify(v)]);
    return out;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'figures' && Array.isArray(x)) {
      for (const f of x.filter(isObj)) out.figures.push([str(f.label) ?? str(f.name) ?? '?', figureText(f)]);
    } else if (k === 'flows' && Array.isArray(x)) {
      out.samples = x.map(str).filter((u): u is string => !!u);
    } else if (k === 'test' && isObj(x)) {
      const p = typeof x.pValue === 'number' ? `, p = ${x.pValue.toPrecision(2)}` : '';
      out.evidence.push([
        'test',
        `${str(x.name) ?? ''}: ${typeof x.statistic === 'number' ? x.statistic.toFixed(2) : ''}${p}`,
      ]);
    } else out.evidence.push([k, typeof x === 'string' ? x : JSON.stringify(x)]);
  }
  return out;
}

function peerOf(p: unknown): string | undefined {
  if (!isObj(p)) return str(p);
  const who = [str(p.namespace), str(p.workload)].filter(Boolean).join('/') || str(p.name) || str(p.ip) || '';
  const port =
    p.port !== undefined ? ` port ${String(p.port)}${p.protocol ? '/' + String(p.protocol) : ''}` : '';
  return `${who}${port}` || undefined;
}

function policyOf(p: unknown): string {
  if (!isObj(p)) return str(p) ?? '';
  const name = [str(p.namespace), str(p.name)].filter(Boolean).join('/') || str(p.kind) || '';
  const how = [str(p.kind), str(p.direction), str(p.role)].filter(Boolean).join(', ');
  const why = Array.isArray(p.reasons) ? ` — ${p.reasons.map(str).filter(Boolean).join(' ')}` : '';
  return `${name}${how ? ` (${how})` : ''}${why}`;
}

function finding(f: Obj): FindingView {
  const subject = isObj(f.subject) ? f.subject : {};
  const kind = str(f.kind) ?? 'unknown';
  const namespace = str(subject.namespace);
  const workload = str(subject.workload);
  const next = (Array.isArray(f.next) ? f.next : [])
    .map((n) =>
      isObj(n)
        ? { description: str(n.description), command: str(n.command) ?? '' }
        : { command: str(n) ?? '' },
    )
    .filter((n) => n.command);
  const policies = Array.isArray(f.policies) ? f.policies.map(policyOf).filter(Boolean) : [];
  const links: FindingView['links'] = {};
  const dash = DASHBOARD_OF[kind];
  if (dash) {
    const q = new URLSearchParams();
    if (namespace) q.set('var-namespace', namespace);
    if (workload) q.set('var-workload', workload);
    links.dashboard = `/dashboards/${dash}?${q}`;
  }
  if (namespace) {
    const q = new URLSearchParams({ ns: namespace });
    if (kind !== 'imbalance') q.set('only', 'problems');
    links.map = `/service-map?${q}`;
  }
  const fromCmd = next.map((n) => linkFromCommand(n.command)).find(Boolean);
  if (fromCmd) links.flows = flowsHref(fromCmd);
  else if (namespace) {
    const flags = workload ? `--namespace ${namespace} --workload ${workload}` : `--namespace ${namespace}`;
    links.flows = flowsHref({ filter: flags });
  }
  const ids = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter((x): x is string => !!x) : []);
  return {
    id: str(f.id),
    kind,
    severity: str(f.severity) ?? 'info',
    title: str(f.title) ?? kind,
    namespace,
    workload,
    pods: ids(subject.pods),
    peer: peerOf(f.peer),
    since: str(f.since),
    explanation: str(f.explanation),
    ...evidenceOf(f.evidence),
    next,
    policies,
    proposal: str(f.proposal),
    causes: ids(f.causes),
    effects: ids(f.effects),
    links,
  };
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, error: 1, warning: 2, warn: 2, info: 3 };

/** Reads a report; findings sorted by severity (the engine's order kept within a severity). */
export function diagnosisView(report: unknown): DiagnosisView {
  const r = isObj(report) ? report : {};
  const list = Array.isArray(r.findings) ? r.findings.filter(isObj).map(finding) : [];
  list.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 4) - (SEVERITY_RANK[b.severity] ?? 4));
  const w = isObj(r.window) ? `${str(r.window.since) ?? '?'} → ${str(r.window.until) ?? '?'}` : str(r.window);
  const c = isObj(r.coverage)
    ? Object.entries(r.coverage)
        .filter(([, v]) => typeof v !== 'object')
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(' · ')
    : undefined;
  return { window: w, coverage: c, findings: list };
}
