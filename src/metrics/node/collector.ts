/**
 * The node collector: Retina's node-level families that need the node rather than flows,
 * read from /proc on Linux when `/metrics` is rendered (at most once per `minIntervalMs`).
 *
 * - networkobservability_interface_stats{interface_name, statistic_name}: /proc/net/dev, plus the
 *   counters only /sys/class/net/<if>/statistics has (rx_missed_errors, tx_aborted_errors, ...)
 * - networkobservability_tcp_state{state}: /proc/net/tcp + tcp6
 * - networkobservability_tcp_connection_remote{address="AllIPs"}: sockets with a remote address
 * - networkobservability_tcp_connection_stats{statistic_name}: TcpExt (/proc/net/netstat) and
 *   Tcp (/proc/net/snmp) counters, e.g. TCPTimeouts, EstabResets, OutRsts
 * - networkobservability_ip_connection_stats{statistic_name}: IpExt counters
 * - networkobservability_udp_connection_stats{statistic_name}: `ACTIVE` sockets, plus Udp counters
 *
 * A missing file (not Linux, no procfs) just leaves its families empty.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Family, type Clock } from '../store/family.js';
import { countSockets, parseNetDev, parseSnmp, summarizeTcp } from './procfs.js';

/** Options of {@link NodeCollector}. */
export interface NodeCollectorOptions {
  /** Root of procfs (tests point it at a fixture tree). */
  procRoot: string;
  /** Root of sysfs. */
  sysRoot: string;
  /** Minimum time between two reads. */
  minIntervalMs: number;
}

/** Defaults: the real /proc, at most one read per second. */
export const defaultNodeCollectorOptions: NodeCollectorOptions = {
  procRoot: '/proc',
  sysRoot: '/sys',
  minIntervalMs: 1000,
};

const P = 'networkobservability_';

/** Reads node statistics into gauge families. */
export class NodeCollector {
  readonly families: Family[];
  private readonly iface: Family;
  private readonly tcpState: Family;
  private readonly tcpRemote: Family;
  private readonly tcpStats: Family;
  private readonly ipStats: Family;
  private readonly udpStats: Family;
  private last = -Infinity;

  constructor(
    private readonly clock: Clock,
    private readonly opts: NodeCollectorOptions = defaultNodeCollectorOptions,
  ) {
    const g = (name: string, help: string, labels: string[]) =>
      new Family(
        { name: P + name, help, type: 'gauge', labels },
        { budget: 10_000, ttlMs: 0, exemplars: false },
        clock,
      );
    this.iface = g('interface_stats', 'Interface statistics', ['interface_name', 'statistic_name']);
    this.tcpState = g('tcp_state', 'Number of TCP sockets by state', ['state']);
    this.tcpRemote = g('tcp_connection_remote', 'Number of TCP sockets with a remote address', ['address']);
    this.tcpStats = g('tcp_connection_stats', 'TCP statistics', ['statistic_name']);
    this.ipStats = g('ip_connection_stats', 'IP statistics', ['statistic_name']);
    this.udpStats = g('udp_connection_stats', 'UDP statistics', ['statistic_name']);
    this.families = [this.iface, this.tcpState, this.tcpRemote, this.tcpStats, this.ipStats, this.udpStats];
  }

  /** Refreshes the families unless they were read less than `minIntervalMs` ago. */
  collect(): void {
    const now = this.clock.now;
    if (now - this.last < this.opts.minIntervalMs) return;
    this.last = now;
    const dev = this.read('net/dev');
    this.iface.reset();
    if (dev !== undefined) {
      for (const [name, stats] of parseNetDev(dev)) {
        for (const [k, v] of stats) this.set(this.iface, [name, k], v);
        for (const [k, v] of this.sysStats(name)) if (!stats.has(k)) this.set(this.iface, [name, k], v);
      }
    }
    const tcp = [this.read('net/tcp'), this.read('net/tcp6')].filter((t): t is string => t !== undefined);
    this.tcpState.reset();
    this.tcpRemote.reset();
    if (tcp.length > 0) {
      const sum = summarizeTcp(tcp);
      for (const [st, n] of sum.states) this.set(this.tcpState, [st], n);
      this.set(this.tcpRemote, ['AllIPs'], sum.withRemote);
    }
    const netstat = this.read('net/netstat');
    const snmp = this.read('net/snmp');
    this.tcpStats.reset();
    this.ipStats.reset();
    this.udpStats.reset();
    const groups = new Map([...(netstat ? parseSnmp(netstat) : []), ...(snmp ? parseSnmp(snmp) : [])]);
    for (const g of ['TcpExt', 'MPTcpExt', 'Tcp'])
      for (const [k, v] of groups.get(g) ?? []) this.set(this.tcpStats, [k], v);
    for (const [k, v] of groups.get('IpExt') ?? []) this.set(this.ipStats, [k], v);
    for (const [k, v] of groups.get('Udp') ?? []) this.set(this.udpStats, [k], v);
    const udp = [this.read('net/udp'), this.read('net/udp6')].filter((t): t is string => t !== undefined);
    if (udp.length > 0) this.set(this.udpStats, ['ACTIVE'], countSockets(udp));
  }

  private set(f: Family, values: string[], v: number): void {
    const s = f.get(values);
    if (s !== undefined) s.value = v;
  }

  private read(rel: string, root = this.opts.procRoot): string | undefined {
    try {
      return readFileSync(join(root, rel), 'utf8');
    } catch {
      return undefined;
    }
  }

  /** /sys/class/net/<iface>/statistics/* (empty when absent). */
  private sysStats(iface: string): Map<string, number> {
    const out = new Map<string, number>();
    if (iface.includes('/') || iface.startsWith('.')) return out;
    const dir = join(this.opts.sysRoot, 'class/net', iface, 'statistics');
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return out;
    }
    for (const n of names) {
      const v = Number(this.read(join('class/net', iface, 'statistics', n), this.opts.sysRoot)?.trim());
      if (Number.isFinite(v)) out.set(n, v);
    }
    return out;
  }
}
