/**
 * Warm DNS caches at the start of a run, as in a cluster that has been up for a while: each
 * client pod already holds its edges' answers with a random remaining TTL. Without this every
 * run would open with a burst of lookups that no real cluster shows.
 */
import type { Prng } from './prng.js';
import type { RunContext } from './run-context.js';

/** Fills the pods' DNS caches of `ctx` with the answers their traffic edges will need. */
export function prewarmDns(ctx: RunContext, prng: Prng): void {
  const t = ctx.topo;
  if (t.scenario.dns.cache <= 0) return;
  for (const edge of t.edges) {
    if (!edge.resolve) continue;
    let ip: string | undefined;
    let ttl = t.scenario.dns.ttl;
    if (edge.target === 'external') {
      ip = edge.external!.spec.ips[0];
      ttl = edge.external!.spec.ttl;
    } else if (edge.target === 'service') ip = edge.service!.clusterIP;
    else if (edge.backends.length === 1) ip = edge.backends[0].ip;
    ttl = Math.min(ttl, t.scenario.dns.cache);
    if (!ip || ttl <= 0) continue;
    for (const pod of edge.clients) {
      ctx.dnsCache[pod.index].set(edge.resolve, { ip, expiresNs: Math.round(prng.next() * ttl * 1e9) });
    }
  }
}
