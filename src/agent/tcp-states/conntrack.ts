/**
 * TCP connection states from netfilter conntrack: `conntrack -L` seeds the table and
 * `conntrack -E` keeps it current. Bridged pod-to-pod traffic is tracked in the namespace that
 * owns the bridge (br_netfilter), so an agent there sees every pod connection of the node.
 * Conntrack only tracks in a netns once a rule there uses it (linux-lab.md §6).
 *
 * States are reported with the names Retina's `networkobservability_tcp_state` uses
 * (conntrack's FIN_WAIT is the first FIN, i.e. FIN_WAIT1; SYN_SENT2 is a simultaneous open;
 * NONE is UNKNOWN). Note the unit: one conntrack entry per connection, where a socket table
 * counts each end.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Retina's state names. */
export const TCP_STATE_NAMES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'UNKNOWN',
] as const;

const CT_TO_RETINA: Record<string, string> = {
  NONE: 'UNKNOWN',
  SYN_SENT: 'SYN_SENT',
  SYN_SENT2: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT: 'FIN_WAIT1',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
};

/** Maps a conntrack TCP state to Retina's name. */
export function retinaState(ctState: string): string {
  return CT_TO_RETINA[ctState] ?? 'UNKNOWN';
}

/** One conntrack event or listing line. */
export interface ConntrackEvent {
  /** NEW, UPDATE, DESTROY; LIST for `conntrack -L` lines. */
  type: 'NEW' | 'UPDATE' | 'DESTROY' | 'LIST';
  /** Epoch seconds, when printed with `-o timestamp`. */
  time?: number;
  proto: string;
  /** The conntrack TCP state (SYN_SENT, ESTABLISHED, …) when printed. */
  state?: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  id?: number;
  assured: boolean;
  unreplied: boolean;
}

const EVENT_LINE = /^(?:\[(\d+\.\d+)\]\s+)?(?:\[(NEW|UPDATE|DESTROY)\]\s+)?(\w+)\s+\d+\s+(.*)$/;

/** Parses a line of `conntrack -E -o timestamp,id` or `conntrack -L -o id`. */
export function parseConntrackLine(line: string): ConntrackEvent | undefined {
  const m = EVENT_LINE.exec(line.trim());
  if (!m) return undefined;
  const rest = m[4];
  const kv = (k: string) => new RegExp(`(?:^|\\s)${k}=(\\S+)`).exec(rest)?.[1];
  const src = kv('src');
  const dst = kv('dst');
  if (!src || !dst) return undefined;
  const words = rest.split(/\s+/);
  const state = words.find((w) => /^[A-Z_2]+$/.test(w) && w in CT_TO_RETINA);
  const id = kv('id');
  return {
    type: (m[2] as ConntrackEvent['type']) ?? 'LIST',
    time: m[1] ? Number(m[1]) : undefined,
    proto: m[3],
    state,
    src,
    dst,
    sport: Number(kv('sport') ?? 0),
    dport: Number(kv('dport') ?? 0),
    id: id ? Number(id) : undefined,
    assured: rest.includes('[ASSURED]'),
    unreplied: rest.includes('[UNREPLIED]'),
  };
}

/** A snapshot of TCP states: what the metrics helper reads for `tcp_state`. */
export interface TcpStateSnapshot {
  /** Where the states come from. */
  source: 'conntrack' | 'sockets';
  /** Connections (or sockets) per state, Retina names; every state present, zero when none. */
  states: Record<string, number>;
  /** Total tracked. */
  total: number;
  /** Conntrack events applied (0 for sockets). */
  events: number;
  /** Time of the snapshot (epoch ms). */
  timeMs: number;
}

/** Anything that can report TCP states. */
export interface TcpStateProvider {
  snapshot(): TcpStateSnapshot;
}

function emptyStates(): Record<string, number> {
  const s: Record<string, number> = {};
  for (const n of TCP_STATE_NAMES) s[n] = 0;
  return s;
}

/** The connection table fed by conntrack events. */
export class ConntrackTable implements TcpStateProvider {
  private readonly conns = new Map<string, string>();
  events = 0;
  /** Transitions into each state since start (e.g. how many connections reached CLOSE). */
  readonly transitions: Record<string, number> = emptyStates();

  /** Applies one event. */
  apply(e: ConntrackEvent): void {
    if (e.proto !== 'tcp') return;
    this.events++;
    const key = e.id !== undefined ? `#${e.id}` : `${e.src}:${e.sport}>${e.dst}:${e.dport}`;
    if (e.type === 'DESTROY') {
      this.conns.delete(key);
      if (e.state) this.transitions[retinaState(e.state)]++;
      return;
    }
    if (!e.state) return;
    const st = retinaState(e.state);
    if (this.conns.get(key) !== st) this.transitions[st]++;
    this.conns.set(key, st);
  }

  snapshot(): TcpStateSnapshot {
    const states = emptyStates();
    for (const s of this.conns.values()) states[s] = (states[s] ?? 0) + 1;
    return { source: 'conntrack', states, total: this.conns.size, events: this.events, timeMs: Date.now() };
  }
}

/** Runs `conntrack -L` then `conntrack -E` in the agent's namespace and feeds a table. */
export class ConntrackWatcher {
  readonly table = new ConntrackTable();
  private child: ChildProcess | undefined;

  constructor(
    private readonly onError: (msg: string) => void = () => {},
    private readonly bin = 'conntrack',
  ) {}

  /** Seeds the table and starts following events. */
  async start(): Promise<void> {
    await new Promise<void>((resolve) => {
      const list = spawn(this.bin, ['-L', '-p', 'tcp', '-o', 'id'], { stdio: ['ignore', 'pipe', 'ignore'] });
      list.on('error', (err) => {
        this.onError(`conntrack -L: ${err.message}`);
        resolve();
      });
      createInterface({ input: list.stdout! }).on('line', (l) => {
        const e = parseConntrackLine(l);
        if (e) this.table.apply(e);
      });
      list.on('close', () => resolve());
    });
    const child = spawn(this.bin, ['-E', '-p', 'tcp', '-o', 'timestamp,id'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.on('error', (err) => this.onError(`conntrack -E: ${err.message}`));
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const e = parseConntrackLine(l);
      if (e) this.table.apply(e);
    });
    createInterface({ input: child.stderr! }).on('line', (l) => {
      if (!/events? (have been )?shown/.test(l)) this.onError(`conntrack: ${l}`);
    });
  }

  /** Stops following (conntrack exits on SIGTERM and prints its event count). */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const done = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
  }
}
