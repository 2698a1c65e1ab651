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
  kind: string;
  severity: string;
  title: string;
  namespace?: string;
  workload?: string;
  pods: string[];
  peer?: string;
  since?: string;
  explanation?: string;
  evidence: [string, string][];
  next: string[];
  policies: string[];
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

function evidenceOf(v: unknown): [string, string][] {
  if (!isObj(v)) return v === undefined ? [] : [['evidence', JSON.stringify(v)]];
  return Object.entries(v).map(([k, x]) => [k, typeof x === 'string' ? x : JSON.stringify(x)]);
}

function finding(f: Obj): FindingView {
  const subject = isObj(f.subject) ? f.subject : {};
  const kind = str(f.kind) ?? 'unknown';
  const namespace = str(subject.namespace);
  const workload = str(subject.workload);
  const next = Array.isArray(f.next) ? f.next.map(str).filter((x): x is string => !!x) : [];
  const policies = Array.isArray(f.policies)
    ? f.policies
        .map((p) => (isObj(p) ? [str(p.namespace), str(p.name)].filter(Boolean).join('/') : (str(p) ?? '')))
        .filter(Boolean)
    : [];
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
  const fromCmd = next.map(linkFromCommand).find(Boolean);
  if (fromCmd) links.flows = flowsHref(fromCmd);
  else if (namespace) {
    const flags = workload ? `--namespace ${namespace} --workload ${workload}` : `--namespace ${namespace}`;
    links.flows = flowsHref({ filter: flags });
  }
  return {
    kind,
    severity: str(f.severity) ?? 'info',
    title: str(f.title) ?? kind,
    namespace,
    workload,
    pods: Array.isArray(subject.pods) ? subject.pods.map(str).filter((x): x is string => !!x) : [],
    peer: isObj(f.peer)
      ? [str(f.peer.namespace), str(f.peer.workload) ?? str(f.peer.name)].filter(Boolean).join('/')
      : str(f.peer),
    since: str(f.since),
    explanation: str(f.explanation),
    evidence: evidenceOf(f.evidence),
    next,
    policies,
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
