/**
 * Policy attribution of recorded drops, for the diagnosis engine: given a policy catalog, it
 * names the policies behind a POLICY_DENIED flow, explains why none admits it and proposes the
 * smallest fix. Implements the diagnose module's DropAttributor contract.
 */
import type { Flow } from '../flow/index.js';
import type { PolicyCatalog } from './catalog.js';
import { connectionFromFlow } from './connection.js';
import { explainConnection, type Explanation, type PolicyCheck } from './explain.js';
import { proposeRule } from './propose.js';

/** How one policy is involved in a drop (same shape as the diagnosis report's PolicyAttribution). */
export interface DropPolicy {
  kind: string;
  namespace?: string;
  name?: string;
  direction: 'ingress' | 'egress';
  role: 'denies' | 'deny-rule';
  reasons: string[];
  source: 'policies' | 'flow' | 'inferred';
}

/** The attribution of one drop. */
export interface DropAttributionResult {
  policies: DropPolicy[];
  explanation: string;
  proposal?: string;
}

function reasonsOf(p: PolicyCheck): string[] {
  if (p.rules.length === 0) return [`has no ${'rules'} for this direction: it denies everything it selects`];
  const relevant =
    p.outcome === 'denies' ? p.rules.filter((r) => r.effect === 'deny' && r.match === 'yes') : p.rules;
  return relevant.map((r) => `${r.effect === 'deny' ? 'deny ' : ''}rule ${r.rule}: ${r.reasons.join('; ')}`);
}

/** Attribution of an explanation's denying direction. */
export function attributionOf(e: Explanation): DropPolicy[] {
  if (!e.deniedBy) return [];
  const d = e[e.deniedBy];
  const denying = d.policies.filter((p) => p.outcome === 'denies');
  const list = denying.length ? denying : d.policies.filter((p) => p.isolates);
  return list.map((p) => ({
    kind: p.kind,
    namespace: p.namespace,
    name: p.name,
    direction: d.direction,
    role: p.outcome === 'denies' ? 'deny-rule' : 'denies',
    reasons: reasonsOf(p),
    source: 'policies',
  }));
}

/**
 * A DropAttributor over a catalog. `policiesArgs` is how `flowlens policy …` commands in next
 * steps refer to the same policy set (e.g. `['--policies', './policies']`).
 */
export function createDropAttributor(catalog: PolicyCatalog, policiesArgs: string[] = []) {
  const cache = new Map<string, DropAttributionResult | undefined>();
  return {
    hasPolicies: true as const,
    policiesArgs,
    attribute(flow: Flow): DropAttributionResult | undefined {
      const c = connectionFromFlow(catalog, flow);
      if (!c) return undefined;
      const key = `${c.source.display}>${c.destination.display}:${c.port}/${c.protocol}`;
      if (cache.has(key)) return cache.get(key);
      const e = explainConnection(catalog, c);
      let result: DropAttributionResult;
      if (e.verdict === 'denied') {
        const p = proposeRule(c, e);
        result = {
          policies: attributionOf(e),
          explanation: e.summary.replace(/^denied on (\w+): /, 'On $1: ') + '.',
          proposal: p?.yaml,
        };
      } else if (e.verdict === 'unknown') {
        result = {
          policies: [],
          explanation: `The given policies cannot settle it: ${e.summary.replace(/^undetermined: /, '')}.`,
        };
      } else {
        result = {
          policies: [],
          explanation: `The given policy set admits this flow (${e.summary.replace(/^allowed: /, '')}), yet the cluster dropped it: the cluster runs policies that are not in the set (another file, a CiliumClusterwideNetworkPolicy, a host policy) or the set is newer than the drop.`,
        };
      }
      cache.set(key, result);
      return result;
    },
  };
}
