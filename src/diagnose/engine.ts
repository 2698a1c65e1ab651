/**
 * `diagnose()`: runs the rules over an accumulator (or over events, accumulated on the fly),
 * links findings into chains, ranks them and builds the report. Pure: the clock is injected and
 * nothing is read or written.
 */
import { timeFromMillis, timeMillis, type FlowEvent } from '../flow/index.js';
import { DiagnosisAccumulator, type AccumulatorOptions } from './accumulator.js';
import { dependenciesFromEdges, linkFindings } from './chains.js';
import { NextStepBuilder, type ObserveSource } from './next-steps.js';
import { defaultRuleRegistry, type RuleRegistry } from './registry.js';
import { defaultThresholds, type DropAttributor, type RuleContext, type Thresholds } from './rule.js';
import {
  DIAGNOSIS_SCHEMA,
  SEVERITY_RANK,
  type DiagnosisReport,
  type Finding,
  type ReportCoverage,
  type Severity,
} from './types.js';

/** Options of diagnose(). */
export interface DiagnoseOptions {
  /** Start of the diagnosed window (RFC 3339 or epoch ms); default: the first flow. Earlier flows serve as baseline. */
  since?: string | number;
  /** End of the window (exclusive); default: just after the last flow. */
  until?: string | number;
  /** Wall clock for `generatedAt` (epoch ms). Default Date.now. */
  clock?: () => number;
  /** The rules to run (default: the built-in registry). */
  rules?: RuleRegistry;
  thresholds?: Partial<Thresholds>;
  /** Where the flows came from, for the `flowlens observe …` next steps. */
  source?: ObserveSource;
  /** Policy attribution for policy drops (see createDropAttributor in the policy module). */
  attributor?: DropAttributor;
  /** Accumulator options when `input` is a stream of events. */
  accumulator?: AccumulatorOptions;
  /** Findings below this severity are left out (default: info, i.e. everything). */
  minSeverity?: Severity;
  /** Most findings returned (default 100). */
  maxFindings?: number;
}

function toMs(v: string | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v;
  const ms = timeMillis(v);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid time ${JSON.stringify(v)}: expected RFC 3339`);
  return ms;
}

/**
 * Diagnoses flows. `input` is either a DiagnosisAccumulator (e.g. the store's aggregates merged
 * over the window) or an iterable of FlowEvents, accumulated in one pass.
 *
 * @example
 * const report = diagnose(simulate(loadScenario('dns')), { clock: () => 0 });
 * report.findings[0].kind // 'dns'
 */
export function diagnose(
  input: DiagnosisAccumulator | Iterable<FlowEvent>,
  options: DiagnoseOptions = {},
): DiagnosisReport {
  const acc =
    input instanceof DiagnosisAccumulator
      ? input
      : new DiagnosisAccumulator(options.accumulator).addAll(input);
  const clock = options.clock ?? Date.now;
  const thresholds = { ...defaultThresholds, ...options.thresholds };
  const empty = !(acc.lastMs >= acc.firstMs);
  const sinceMs = toMs(options.since) ?? (empty ? clock() : acc.firstMs);
  const untilMs = toMs(options.until) ?? (empty ? clock() : acc.lastMs + 0.001);
  if (untilMs < sinceMs) throw new RangeError('until must not be before since');
  const from = acc.bucketOf(sinceMs);
  const to = Math.max(from, Math.ceil(untilMs / acc.bucketMs) - 1);
  const dataFrom = empty ? from : Math.min(from, acc.bucketOf(acc.firstMs));
  const next = new NextStepBuilder(options.source, options.attributor?.policiesArgs);
  const ctx: RuleContext = {
    acc,
    from,
    to,
    dataFrom,
    thresholds,
    next,
    attributor: options.attributor,
    time: (b: number) => timeFromMillis(Math.max(sinceMs, Math.min(untilMs, acc.bucketStart(b)))),
  };
  const rules = options.rules ?? defaultRuleRegistry();
  const findings: Finding[] = [];
  const ids = new Set<string>();
  if (!empty) {
    for (const rule of rules.list()) {
      for (const d of rule.run(ctx)) {
        let id =
          d.id ??
          `${d.kind}:${d.subject.namespace ? d.subject.namespace + '/' : ''}${d.subject.workload}${d.peer?.workload ? '>' + (d.peer.namespace ? d.peer.namespace + '/' : '') + d.peer.workload : ''}`;
        for (let i = 2; ids.has(id); i++) id = `${d.id ?? id}#${i}`;
        ids.add(id);
        findings.push({ ...d, id, rule: rule.name, causes: [], effects: [] });
      }
    }
  }
  const deps = dependenciesFromEdges(acc.traffic.edges.map.keys());
  const chains = linkFindings(findings, deps, 2 * acc.bucketMs);
  const ranked = rank(findings);
  const minRank = SEVERITY_RANK[options.minSeverity ?? 'info'];
  const shown = ranked
    .filter((f) => SEVERITY_RANK[f.severity] >= minRank)
    .slice(0, options.maxFindings ?? 100);
  const shownIds = new Set(shown.map((f) => f.id));
  for (const f of shown) {
    f.causes = f.causes.filter((id) => shownIds.has(id));
    f.effects = f.effects.filter((id) => shownIds.has(id));
  }
  const count = (s: Severity) => shown.filter((f) => f.severity === s).length;
  return {
    schema: DIAGNOSIS_SCHEMA,
    generatedAt: timeFromMillis(clock()),
    window: { since: timeFromMillis(sinceMs), until: timeFromMillis(untilMs) },
    coverage: coverage(acc, from, to, dataFrom, empty),
    summary: {
      critical: count('critical'),
      warning: count('warning'),
      info: count('info'),
      headline: shown.length > 0 && shown[0].severity !== 'info' ? shown[0].title : 'No problems found',
    },
    findings: shown,
    chains: chains.filter((c) => c.findings.every((id) => shownIds.has(id))),
  };
}

/**
 * Ranking: a finding ranks by the worst severity in its chain (a cause inherits the severity of
 * what it explains), then causes before their effects, then its own severity, then score.
 */
function rank(findings: Finding[]): Finding[] {
  const byId = new Map(findings.map((f) => [f.id, f]));
  const memo = new Map<string, number>();
  const eff = (f: Finding): number => {
    const m = memo.get(f.id);
    if (m !== undefined) return m;
    memo.set(f.id, SEVERITY_RANK[f.severity]);
    const v = Math.max(SEVERITY_RANK[f.severity], ...f.effects.map((id) => eff(byId.get(id)!)));
    memo.set(f.id, v);
    return v;
  };
  const depth = (f: Finding, seen = new Set<string>()): number => {
    if (seen.has(f.id)) return 0;
    seen.add(f.id);
    return f.causes.length === 0 ? 0 : 1 + Math.max(...f.causes.map((id) => depth(byId.get(id)!, seen)));
  };
  return [...findings].sort(
    (a, b) =>
      eff(b) - eff(a) ||
      depth(a) - depth(b) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.score - a.score ||
      a.id.localeCompare(b.id),
  );
}

function coverage(
  acc: DiagnosisAccumulator,
  from: number,
  to: number,
  dataFrom: number,
  empty: boolean,
): ReportCoverage {
  const notes: string[] = [];
  const flows = acc.flows.sum(from, to);
  if (!empty) {
    if (!acc.l7Records.get('dns'))
      notes.push(
        'no DNS records: DNS rules need Cilium DNS visibility (a DNS rule in a CiliumNetworkPolicy) or flowlens simulated flows',
      );
    if (!acc.l7Records.get('http') && !acc.l7Records.get('kafka'))
      notes.push('no HTTP or Kafka records: L7 error and latency rules need L7 visibility');
  }
  if (acc.untimed > 0) notes.push(`${acc.untimed} flows without a timestamp were skipped`);
  if (acc.overflowKeys > 0)
    notes.push(
      `${acc.overflowKeys} keys did not fit the bounded tables and were left out of the per-key analysis`,
    );
  const nodes = [...acc.traffic.nodes]
    .map(([name, n]) => ({ name, flows: n.flows.sum(from, to), lost: n.lost }))
    .filter((n) => n.flows > 0 || n.lost > 0)
    .sort((a, b) => a.name.localeCompare(b.name));
  const c: ReportCoverage = {
    flows,
    baselineFlows: from > dataFrom ? acc.flows.sum(dataFrom, from - 1) : 0,
    nodes,
    lostFlows: acc.lost,
    overflowKeys: acc.overflowKeys,
    notes,
  };
  if (!empty) {
    c.firstFlow = timeFromMillis(Math.max(acc.firstMs, acc.bucketStart(dataFrom)));
    c.lastFlow = timeFromMillis(acc.lastMs);
  }
  return c;
}
