/**
 * The JSON form of a report with a fixed key order (schema order, docs/diagnose.md), so output
 * is byte-stable for golden files and diffs whatever order the rules built their objects in.
 */
import type {
  DiagnosisReport,
  Evidence,
  Figure,
  Finding,
  FindingPeer,
  FindingSubject,
  PolicyAttribution,
} from '../types.js';

function pick<T extends object>(o: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

const FIGURE_KEYS: Array<keyof Figure> = ['name', 'label', 'value', 'unit', 'baseline'];
const SUBJECT_KEYS: Array<keyof FindingSubject> = ['namespace', 'workload', 'pods', 'node'];
const PEER_KEYS: Array<keyof FindingPeer> = [
  'namespace',
  'workload',
  'pods',
  'ip',
  'name',
  'port',
  'protocol',
];
const POLICY_KEYS: Array<keyof PolicyAttribution> = [
  'kind',
  'namespace',
  'name',
  'direction',
  'role',
  'reasons',
  'source',
];

function evidence(e: Evidence): Evidence {
  const out: Evidence = { figures: e.figures.map((f) => pick(f, FIGURE_KEYS) as Figure), flows: e.flows };
  if (e.test) out.test = pick(e.test, ['name', 'statistic', 'pValue', 'df']) as Evidence['test'];
  if (e.details) out.details = e.details;
  return out;
}

function finding(f: Finding): Finding {
  const out = {
    id: f.id,
    rule: f.rule,
    kind: f.kind,
    severity: f.severity,
    score: f.score,
    title: f.title,
    subject: pick(f.subject, SUBJECT_KEYS),
    ...(f.peer ? { peer: pick(f.peer, PEER_KEYS) } : {}),
    since: f.since,
    lastSeen: f.lastSeen,
    evidence: evidence(f.evidence),
    explanation: f.explanation,
    next: f.next.map((n) => ({ description: n.description, command: n.command })),
    causes: f.causes,
    effects: f.effects,
    ...(f.policies ? { policies: f.policies.map((p) => pick(p, POLICY_KEYS)) } : {}),
    ...(f.proposal ? { proposal: f.proposal } : {}),
  };
  return out as Finding;
}

/** The report as a plain object in schema key order. */
export function canonicalReport(r: DiagnosisReport): DiagnosisReport {
  return {
    schema: r.schema,
    generatedAt: r.generatedAt,
    window: { since: r.window.since, until: r.window.until },
    coverage: pick(r.coverage, [
      'flows',
      'baselineFlows',
      'firstFlow',
      'lastFlow',
      'nodes',
      'lostFlows',
      'overflowKeys',
      'notes',
    ]) as DiagnosisReport['coverage'],
    summary: {
      critical: r.summary.critical,
      warning: r.summary.warning,
      info: r.summary.info,
      headline: r.summary.headline,
    },
    findings: r.findings.map(finding),
    chains: r.chains.map((c) => ({ findings: c.findings, summary: c.summary })),
  };
}

/** The report as pretty-printed JSON with a trailing newline. */
export function formatJson(r: DiagnosisReport): string {
  return JSON.stringify(canonicalReport(r), null, 2) + '\n';
}
