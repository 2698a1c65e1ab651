/**
 * What-if replay: recorded flows through a changed policy set. A flow recorded as forwarded
 * counts as allowed and a policy drop as denied; each connection-opening flow is evaluated
 * against the new set and the ones whose verdict would change are listed, grouped by source and
 * destination workload — "will my fix work, and what else will it break?".
 *
 * Only flows that open a connection are replayed (policies are stateful, replies follow their
 * connection): TCP SYNs without ACK, or, when flows carry no TCP flags, every non-reply flow;
 * UDP/SCTP/ICMP non-reply flows. Drops for other reasons and L7 records are skipped.
 */
import type { Flow, FlowEvent } from '../flow/index.js';
import type { PolicyCatalog } from './catalog.js';
import { connectionFromFlow } from './connection.js';
import { explainConnection, type Verdict } from './explain.js';

/** One flow whose verdict changes. */
export interface ChangedFlow {
  uuid: string;
  time?: string;
  source: string;
  destination: string;
  protocol: string;
  port: number;
  old: 'allowed' | 'denied';
  new: Verdict;
}

/** Changed flows between one source and one destination workload. */
export interface WhatIfGroup {
  source: string;
  destination: string;
  protocol: string;
  port: number;
  newlyAllowed: number;
  newlyDenied: number;
  undetermined: number;
  /** Why the new set decides as it does (one example). */
  reason: string;
  /** Sample uuids (at most 10). */
  flows: string[];
}

/** The replay's result. */
export interface WhatIfReport {
  /** Flows read. */
  examined: number;
  /** Connection-opening flows replayed. */
  replayed: number;
  unchanged: number;
  newlyAllowed: number;
  newlyDenied: number;
  undetermined: number;
  groups: WhatIfGroup[];
  /** Each changed flow, at most `limit`. */
  changed: ChangedFlow[];
  /** Changed flows left out of `changed` by the limit. */
  omitted: number;
}

/** Options of WhatIfReplay. */
export interface WhatIfOptions {
  /** Most changed flows listed individually (default 10,000). */
  limit?: number;
}

const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY', 133, 181]);

/** The recorded verdict of a connection-opening flow, or undefined when it is not replayed. */
export function recordedVerdict(f: Flow): 'allowed' | 'denied' | undefined {
  if (f.is_reply === true || f.l7) return undefined;
  const tcp = f.l4?.TCP;
  if (tcp?.flags && !(tcp.flags.SYN && !tcp.flags.ACK)) return undefined;
  if (!f.l4) return undefined;
  const v = f.verdict;
  if (v === 'FORWARDED' || v === 1) return 'allowed';
  if (v === 'DROPPED' || v === 2)
    return POLICY_DROPS.has(f.drop_reason_desc ?? f.drop_reason ?? 0) ? 'denied' : undefined;
  return undefined;
}

function workloadOf(display: string): string {
  const [ns, pod] = display.split('/');
  if (pod === undefined) return display;
  const m =
    /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(pod) ??
    /^(.+)-\d+$/.exec(pod) ??
    /^(.+)-[bcdfghjklmnpqrstvwxz2456789]{5}$/.exec(pod);
  return `${ns}/${m ? m[1] : pod}`;
}

/**
 * Streams flows through a policy set. Decisions are cached per (source pod, destination, port),
 * so replaying millions of flows costs one evaluation per distinct connection.
 *
 * @example
 * const w = new WhatIfReplay(newCatalog);
 * for (const ev of events) w.add(ev);
 * const r = w.report(); // r.newlyDenied, r.groups
 */
export class WhatIfReplay {
  private readonly cache = new Map<string, { verdict: Verdict; reason: string; src: string; dst: string }>();
  private readonly groups = new Map<string, WhatIfGroup>();
  private readonly changed: ChangedFlow[] = [];
  private readonly counts = {
    examined: 0,
    replayed: 0,
    unchanged: 0,
    newlyAllowed: 0,
    newlyDenied: 0,
    undetermined: 0,
    omitted: 0,
  };
  private readonly limit: number;

  constructor(
    private readonly catalog: PolicyCatalog,
    options: WhatIfOptions = {},
  ) {
    this.limit = options.limit ?? 10_000;
  }

  add(ev: FlowEvent): void {
    const f = ev.flow;
    if (!f) return;
    this.counts.examined++;
    const old = recordedVerdict(f);
    if (!old) return;
    const c = connectionFromFlow(this.catalog, f);
    if (!c) return;
    this.counts.replayed++;
    const key = `${c.source.display}|${c.destination.display}|${c.port}/${c.protocol}`;
    let d = this.cache.get(key);
    if (!d) {
      const e = explainConnection(this.catalog, c);
      d = {
        verdict: e.verdict,
        reason: e.summary,
        src: c.source.k8s.kind === 'pod' ? workloadOf(c.source.display) : c.source.display,
        dst: c.destination.k8s.kind === 'pod' ? workloadOf(c.destination.display) : c.destination.display,
      };
      this.cache.set(key, d);
    }
    if (d.verdict === old) {
      this.counts.unchanged++;
      return;
    }
    const gk = `${d.src}>${d.dst}:${c.port}/${c.protocol}`;
    let g = this.groups.get(gk);
    if (!g)
      this.groups.set(
        gk,
        (g = {
          source: d.src,
          destination: d.dst,
          protocol: c.protocol,
          port: c.port,
          newlyAllowed: 0,
          newlyDenied: 0,
          undetermined: 0,
          reason: d.reason,
          flows: [],
        }),
      );
    if (d.verdict === 'unknown') {
      this.counts.undetermined++;
      g.undetermined++;
    } else if (d.verdict === 'allowed') {
      this.counts.newlyAllowed++;
      g.newlyAllowed++;
    } else {
      this.counts.newlyDenied++;
      g.newlyDenied++;
    }
    if (f.uuid && g.flows.length < 10) g.flows.push(f.uuid);
    if (this.changed.length < this.limit) {
      this.changed.push({
        uuid: f.uuid ?? '',
        time: f.time ?? ev.time,
        source: c.source.display,
        destination: c.destination.display,
        protocol: c.protocol,
        port: c.port,
        old,
        new: d.verdict,
      });
    } else this.counts.omitted++;
  }

  report(): WhatIfReport {
    const groups = [...this.groups.values()].sort(
      (a, b) =>
        b.newlyDenied + b.newlyAllowed + b.undetermined - (a.newlyDenied + a.newlyAllowed + a.undetermined) ||
        a.source.localeCompare(b.source),
    );
    return { ...this.counts, groups, changed: this.changed };
  }
}
