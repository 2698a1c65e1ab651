/**
 * The diagnosis report: the stable JSON schema `flowlens diagnose -o json` prints, the HTTP API
 * serves at /api/v1/diagnosis and the UI reads. Types only (the browser imports this file).
 *
 * Stability: fields are only ever added. A breaking change bumps `schema` (now
 * `flowlens.diagnosis/v1`). docs/diagnose.md documents every field.
 */

/** The version tag of the report format. */
export const DIAGNOSIS_SCHEMA = 'flowlens.diagnosis/v1';

/** What a finding is about. */
export type FindingKind =
  'dns' | 'policy-drop' | 'drop' | 'imbalance' | 'tcp-reset' | 'l7-errors' | 'latency';

/** Every finding kind, in the order the documentation lists them. */
export const FINDING_KINDS: readonly FindingKind[] = [
  'dns',
  'policy-drop',
  'drop',
  'imbalance',
  'tcp-reset',
  'l7-errors',
  'latency',
];

/** How bad a finding is. A healthy cluster yields nothing above `info`. */
export type Severity = 'critical' | 'warning' | 'info';

/** Numeric order of severities (higher is worse), for sorting. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, critical: 3 };

/** Where a finding is: a workload and the pods involved. */
export interface FindingSubject {
  namespace: string;
  /** Workload name (Deployment, StatefulSet, DaemonSet...), or for non-pod endpoints a label such as `world`, or a node name. */
  workload: string;
  /** The pods involved, most affected first (at most 20). */
  pods: string[];
  /** Node, when the finding is about a node (drops). */
  node?: string;
}

/** The other side of the problem: a workload, an outside address, a DNS name or a port. */
export interface FindingPeer {
  namespace?: string;
  workload?: string;
  pods?: string[];
  /** IP address (outside peers). */
  ip?: string;
  /** DNS name, route or topic, when the peer is one. */
  name?: string;
  port?: number;
  protocol?: string;
}

/** One figure of the evidence, with its baseline when there is one. */
export interface Figure {
  /** Stable machine name, e.g. `servfail_ratio`, `p95_latency_ms`. */
  name: string;
  /** Human label, e.g. "SERVFAIL share of responses". */
  label: string;
  value: number;
  /** `ratio` (0..1), `count`, `ms`, `per_s`. */
  unit: 'ratio' | 'count' | 'ms' | 'per_s';
  /** The same figure before the problem started (or over the healthy part of the data). */
  baseline?: number;
}

/** A statistical test backing a finding. */
export interface StatTest {
  /** e.g. `chi-square goodness of fit`, `two-proportion z`, `binomial change point`. */
  name: string;
  statistic: number;
  pValue: number;
  /** Degrees of freedom, where the test has them. */
  df?: number;
}

/** The evidence of a finding: figures, a test, and sample flows to look at. */
export interface Evidence {
  figures: Figure[];
  /** UUIDs of sample flows showing the problem (at most 10). */
  flows: string[];
  test?: StatTest;
  /** Rule-specific breakdowns (e.g. per-pod shares, top DNS names). Documented per rule. */
  details?: Record<string, unknown>;
}

/** A suggested next step: an exact command to run. */
export interface NextStep {
  description: string;
  command: string;
}

/** How one policy is involved in a policy drop. */
export interface PolicyAttribution {
  /** `NetworkPolicy`, `CiliumNetworkPolicy`, `CiliumClusterwideNetworkPolicy`, or `default-deny` when no policy file was given. */
  kind: string;
  namespace?: string;
  name?: string;
  /** Which direction the policy governs. */
  direction: 'ingress' | 'egress';
  /** `denies`: selects the pod and no rule admits the flow (default deny); `deny-rule`: an explicit deny rule matched. */
  role: 'denies' | 'deny-rule';
  /** Why no rule admitted the flow, one sentence per rule or policy. */
  reasons: string[];
  /** Where this attribution comes from: the policy set given (`policies`), or the flow's own `*_denied_by` fields (`flow`). */
  source: 'policies' | 'flow' | 'inferred';
}

/** One finding. */
export interface Finding {
  /** Stable id within a report: `<kind>:<subject>[:<peer>]`, used by chains. */
  id: string;
  /** Name of the rule that produced it. */
  rule: string;
  kind: FindingKind;
  severity: Severity;
  /** Ranking score (higher first among equals); comparable only within one report. */
  score: number;
  /** What is wrong, in one line. */
  title: string;
  subject: FindingSubject;
  peer?: FindingPeer;
  /** When the problem started (RFC 3339): the detected change point, or the first affected flow. */
  since: string;
  /** Last affected flow seen (RFC 3339). */
  lastSeen: string;
  evidence: Evidence;
  /** Plain-language explanation. */
  explanation: string;
  /** Exact `flowlens observe …` (and `flowlens policy …`) commands that show the flows. */
  next: NextStep[];
  /** Ids of findings that explain this one (its causes). */
  causes: string[];
  /** Ids of findings this one explains (its effects). */
  effects: string[];
  /** policy-drop only: the policies behind the drop. */
  policies?: PolicyAttribution[];
  /** policy-drop with a policy set: the smallest rule that would admit the traffic, as YAML. */
  proposal?: string;
}

/** A node's share of the examined flows. */
export interface NodeCoverage {
  name: string;
  flows: number;
  lost: number;
}

/** What the report is based on. Honest about gaps. */
export interface ReportCoverage {
  /** Flows examined inside the window. */
  flows: number;
  /** Flows read before the window and used only as a baseline. */
  baselineFlows: number;
  /** Time of the first and last flow examined (RFC 3339). */
  firstFlow?: string;
  lastFlow?: string;
  nodes: NodeCoverage[];
  /** Events reported lost by the source (Hubble lost_events), total. */
  lostFlows: number;
  /** Distinct keys that did not fit the engine's bounded tables and were counted in aggregate only. */
  overflowKeys: number;
  /** Anything the reader or engine wants the user to know (unknown drop reasons, no L7 visibility...). */
  notes: string[];
}

/** A chain of findings that explain each other, root cause first. */
export interface Chain {
  /** Finding ids, cause first. */
  findings: string[];
  /** One sentence telling the story. */
  summary: string;
}

/** The whole report. */
export interface DiagnosisReport {
  schema: typeof DIAGNOSIS_SCHEMA;
  /** When the report was made (the injected clock). */
  generatedAt: string;
  /** The diagnosed window. */
  window: { since: string; until: string };
  coverage: ReportCoverage;
  /** Counts per severity and the headline (title of the top finding, or "No problems found"). */
  summary: { critical: number; warning: number; info: number; headline: string };
  /** Ranked: worst first; a root cause ranks above the findings it explains. */
  findings: Finding[];
  chains: Chain[];
}
