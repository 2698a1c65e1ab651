/**
 * TCP states from socket tables (/proc/net/tcp and tcp6), the netstat view Retina's
 * `networkobservability_tcp_state` reports: every socket on the node, listeners included.
 * Besides the agent's own namespace it can read other network namespaces by name through the
 * /proc/PID/net files of a process inside them (`ip netns pids NAME`), which is how pod
 * namespaces of the lab are covered without entering them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { TCP_STATE_NAMES, type TcpStateProvider, type TcpStateSnapshot } from './conntrack.js';

/** /proc/net/tcp state codes → Retina names (NEW_SYN_RECV counts as SYN_RECV). */
const PROC_STATES: Record<number, string> = {
  1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2', 6: 'TIME_WAIT', 7: 'CLOSE',
  8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN', 11: 'CLOSING', 12: 'SYN_RECV',
}; // prettier-ignore

/** Adds the sockets of one /proc/net/tcp(6) text to `states`. */
export function countProcTcp(text: string, states: Record<string, number>): number {
  let n = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || !/^\d+:$/.test(f[0])) continue;
    const st = PROC_STATES[parseInt(f[3], 16)] ?? 'UNKNOWN';
    states[st] = (states[st] ?? 0) + 1;
    n++;
  }
  return n;
}

/** Reads socket tables on demand. */
export class SocketTableReader implements TcpStateProvider {
  constructor(
    /** Named network namespaces to include besides the agent's own. */
    private readonly netns: string[] = [],
    private readonly includeOwn = true,
  ) {}

  snapshot(): TcpStateSnapshot {
    const states: Record<string, number> = {};
    for (const n of TCP_STATE_NAMES) states[n] = 0;
    let total = 0;
    const read = (dir: string) => {
      for (const f of ['tcp', 'tcp6']) {
        try {
          total += countProcTcp(readFileSync(`${dir}/${f}`, 'utf8'), states);
        } catch {
          // no IPv6, or the process went away
        }
      }
    };
    if (this.includeOwn) read('/proc/net');
    for (const ns of this.netns) {
      const r = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' });
      const pid = r.stdout?.split('\n').find((x) => /^\d+$/.test(x.trim()));
      if (pid) read(`/proc/${pid.trim()}/net`);
    }
    return { source: 'sockets', states, total, events: 0, timeMs: Date.now() };
  }
}
