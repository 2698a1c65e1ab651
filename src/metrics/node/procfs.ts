/**
 * Parsers for the Linux /proc/net files that hold the node-level figures flows lack. Pure:
 * text in, numbers out.
 */

/** Parses the "Name: a b c\nName: 1 2 3" pairs of /proc/net/snmp and /proc/net/netstat. */
export function parseSnmp(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const head = lines[i]!.trim().split(/\s+/);
    const vals = lines[i + 1]!.trim().split(/\s+/);
    const group = head[0]?.replace(/:$/, '');
    if (!group || vals[0] !== head[0]) continue;
    const m = new Map<string, number>();
    for (let k = 1; k < head.length && k < vals.length; k++) m.set(head[k]!, Number(vals[k]));
    out.set(group, m);
  }
  return out;
}

/** Column names of /proc/net/dev, as the kernel's per-interface statistics files name them. */
export const NETDEV_COLUMNS = [
  'rx_bytes',
  'rx_packets',
  'rx_errors',
  'rx_dropped',
  'rx_fifo_errors',
  'rx_frame_errors',
  'rx_compressed',
  'multicast',
  'tx_bytes',
  'tx_packets',
  'tx_errors',
  'tx_dropped',
  'tx_fifo_errors',
  'collisions',
  'tx_carrier_errors',
  'tx_compressed',
] as const;

/** Parses /proc/net/dev into interface → statistic → value. */
export function parseNetDev(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const vals = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    const m = new Map<string, number>();
    NETDEV_COLUMNS.forEach((c, i) => m.set(c, vals[i] ?? 0));
    out.set(name, m);
  }
  return out;
}

/** TCP socket states by the hex code in /proc/net/tcp, named as Retina names them. */
export const TCP_STATES: Record<number, string> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECV',
  4: 'FIN_WAIT1',
  5: 'FIN_WAIT2',
  6: 'TIME_WAIT',
  7: 'CLOSE',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'NEW_SYN_RECV',
};

/** Socket table summary of /proc/net/tcp(6) text. */
export interface SocketSummary {
  /** Sockets per state name. */
  states: Map<string, number>;
  /** Sockets with a remote address (not 0.0.0.0 / ::). */
  withRemote: number;
}

/** Counts sockets per state and those with a remote address, over several tables. */
export function summarizeTcp(tables: readonly string[]): SocketSummary {
  const states = new Map<string, number>();
  let withRemote = 0;
  for (const text of tables) {
    const lines = text.split('\n');
    for (let i = 1; i < lines.length; i++) {
      const f = lines[i]!.trim().split(/\s+/);
      if (f.length < 4) continue;
      const st = TCP_STATES[parseInt(f[3]!, 16)] ?? 'UNKNOWN';
      states.set(st, (states.get(st) ?? 0) + 1);
      const remote = f[2]!.split(':')[0]!;
      if (!/^0+$/.test(remote)) withRemote++;
    }
  }
  return { states, withRemote };
}

/** Number of sockets in /proc/net/udp(6) tables. */
export function countSockets(tables: readonly string[]): number {
  let n = 0;
  for (const text of tables) for (const line of text.split('\n').slice(1)) if (line.trim() !== '') n++;
  return n;
}
