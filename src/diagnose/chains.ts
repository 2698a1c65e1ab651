/**
 * Chains: findings that explain each other. A finding C is a cause of E when
 *   1. C's kind can cause E's kind (CAUSES below: drops cause resets, DNS failures and errors;
 *      resets cause errors and latency; latency causes errors; imbalance causes latency...),
 *   2. they concern the same workloads, or E's workload calls C's workload (a dependency seen in
 *      the flows), and
 *   3. C started no later than E (plus one bucket of tolerance).
 * Kinds are ordered so links always go from a lower to a higher stage, except errors and latency
 * propagating from a callee to its caller (one direction of the call graph only): chains are
 * acyclic unless two workloads call each other, which `propagates` refuses.
 */
import type { Chain, Finding, FindingKind } from './types.js';

/** Stage of each kind in a causal story. */
const STAGE: Record<FindingKind, number> = {
  'policy-drop': 0,
  drop: 0,
  dns: 1,
  imbalance: 1,
  'tcp-reset': 2,
  latency: 3,
  'l7-errors': 4,
};

/** Which kinds each kind can explain. */
export const CAUSES: Readonly<Record<FindingKind, readonly FindingKind[]>> = {
  'policy-drop': ['dns', 'tcp-reset', 'latency', 'l7-errors'],
  drop: ['dns', 'tcp-reset', 'latency', 'l7-errors'],
  dns: ['latency', 'l7-errors'],
  imbalance: ['tcp-reset', 'latency', 'l7-errors'],
  'tcp-reset': ['latency', 'l7-errors'],
  latency: ['l7-errors'],
  'l7-errors': [],
};

/** The workloads (`ns/name`) a finding concerns. */
function locus(f: Finding): Set<string> {
  const s = new Set<string>();
  const add = (ns: string | undefined, wl: string | undefined) => {
    if (wl) s.add(ns ? `${ns}/${wl}` : wl);
  };
  add(f.subject.namespace, f.subject.workload);
  add(f.peer?.namespace, f.peer?.workload);
  const d = f.evidence.details;
  if (d && typeof d.clients === 'object' && d.clients && !Array.isArray(d.clients))
    for (const c of Object.keys(d.clients)) s.add(c);
  if (d && Array.isArray(d.pairs))
    for (const p of d.pairs as Array<{ from?: string; to?: string }>) {
      if (p.from) s.add(p.from);
      if (p.to) s.add(p.to);
    }
  return s;
}

/** `client → servers` dependencies between workloads (names as `ns/name`). */
export type Dependencies = ReadonlyMap<string, ReadonlySet<string>>;

/** Builds the dependency map from `client>server` workload-key edges. */
export function dependenciesFromEdges(edgeKeys: Iterable<string>): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const k of edgeKeys) {
    const [c, s] = k.split('>');
    const cn = c.startsWith('~') ? c.slice(1) : c;
    const sn = s.startsWith('~') ? s.slice(1) : s;
    if (cn === sn) continue;
    let set = deps.get(cn);
    if (!set) deps.set(cn, (set = new Set()));
    set.add(sn);
  }
  return deps;
}

/** `ns/name` of a finding's subject. */
function subjectName(f: Finding): string {
  return f.subject.namespace ? `${f.subject.namespace}/${f.subject.workload}` : f.subject.workload;
}

/**
 * Same-kind propagation: errors and latency travel up the call graph, so an L7 error (or latency)
 * finding explains one at a workload that calls it (and is not called back by it).
 */
function propagates(cause: Finding, effect: Finding, deps: Dependencies): boolean {
  if (cause.kind !== effect.kind || (cause.kind !== 'l7-errors' && cause.kind !== 'latency')) return false;
  const c = subjectName(cause);
  const e = subjectName(effect);
  return c !== e && (deps.get(e)?.has(c) ?? false) && !(deps.get(c)?.has(e) ?? false);
}

/**
 * Clients give up on a failing server: errors or timeouts at a server explain the resets its
 * clients send it (the reset's sender calls the erroring workload).
 */
function clientsAbort(cause: Finding, effect: Finding, deps: Dependencies): boolean {
  if ((cause.kind !== 'l7-errors' && cause.kind !== 'latency') || effect.kind !== 'tcp-reset') return false;
  const server = subjectName(cause);
  return deps.get(subjectName(effect))?.has(server) ?? false;
}

function related(cause: Finding, effect: Finding, deps: Dependencies): boolean {
  const lc = locus(cause);
  const le = locus(effect);
  for (const w of le) if (lc.has(w)) return true;
  // The effect's workload depends on (calls) a workload of the cause.
  const ew = effect.subject.namespace
    ? `${effect.subject.namespace}/${effect.subject.workload}`
    : effect.subject.workload;
  const calls = deps.get(ew);
  if (calls) for (const w of lc) if (calls.has(w)) return true;
  return false;
}

/**
 * Fills `causes`/`effects` of the findings and returns the chains (root cause first), longest
 * first. `toleranceMs` is how much later a cause may start than its effect.
 */
export function linkFindings(findings: Finding[], deps: Dependencies, toleranceMs: number): Chain[] {
  const t = new Map(findings.map((f) => [f.id, Date.parse(f.since)]));
  for (const e of findings) {
    for (const c of findings) {
      if (c === e) continue;
      if (t.get(c.id)! > t.get(e.id)! + toleranceMs) continue;
      const causal = STAGE[c.kind] < STAGE[e.kind] && CAUSES[c.kind].includes(e.kind) && related(c, e, deps);
      if (!causal && !propagates(c, e, deps) && !clientsAbort(c, e, deps)) continue;
      if (c.causes.includes(e.id)) continue; // never both ways
      e.causes.push(c.id);
      c.effects.push(e.id);
    }
  }
  const byId = new Map(findings.map((f) => [f.id, f]));
  const chains: Chain[] = [];
  const walk = (f: Finding, path: Finding[]) => {
    const p = [...path, f];
    if (f.effects.length === 0) {
      if (p.length > 1)
        chains.push({ findings: p.map((x) => x.id), summary: p.map((x) => x.title).join(' → ') });
      return;
    }
    for (const id of f.effects) walk(byId.get(id)!, p);
  };
  for (const f of findings) if (f.causes.length === 0) walk(f, []);
  return chains.sort((a, b) => b.findings.length - a.findings.length).slice(0, 50);
}
