/**
 * KeySpace: small integer ids for the strings and tuples that make up series keys, shared by
 * every handler, context and family of a pipeline.
 *
 * Why: the label values of a flow are fresh strings (every decoded flow has its own copies), so
 * a series key built by concatenating them must be allocated, flattened and hashed by every Map
 * it meets, once per handler. Here each string is hashed once per flow (V8 caches the hash in
 * the string), turned into an id, and handlers combine ids arithmetically or with {@link pair}
 * into a number. Numbers that fit a Smi are the cheapest Map keys there are.
 *
 * Bounded: once `max` entries exist the space is marked full, and the pipeline calls
 * {@link KeySpace.maintain} before the next flow, which drops everything and starts a new epoch.
 * Ids are therefore stable during a flow; anything that keeps ids longer (families' series
 * indexes, pending DNS requests) registers {@link KeySpace.onReset} to forget or rebuild them.
 * Series themselves are keyed by their label values and are not affected.
 */

import type { DNS, Endpoint, Flow, HTTP } from '../../flow/index.js';
import { dropReasonName } from '../flow-fields.js';
import { PairTable } from '../store/pair-table.js';

/** Default bound on the number of entries (strings, pod paths and pairs together). */
export const DEFAULT_KEYSPACE_MAX = 1 << 18;

/** Pod ids below this are packed in pairs by {@link KeySpace.podPair}. */
const POD_PACK = 1 << 15;

/** Interned strings, pod paths and id pairs, with a reset epoch. */
export class KeySpace {
  /** Incremented at every reset; ids of different epochs must not be mixed. */
  epoch = 0;
  private strings = new Map<string, number>();
  /**
   * Pod ids: pod name → the id of the first namespace seen with that name (pod names are
   * nearly unique, so one lookup and a comparison with {@link podNs} usually do), then
   * namespace → pod name → id for the others.
   */
  private byPod = new Map<string, number>();
  /** Namespace of each pod id (index = id). */
  private podNs: string[] = [''];
  private pods = new Map<string, Map<string, number>>();
  /** Pod ids have their own dense counter, so that two fit one Smi (see {@link podPair}). */
  private nextPod = 1;
  private pairs = new PairTable();
  private next = 1;
  private full = false;
  private readonly listeners: (() => void)[] = [];
  // Per-flow memos by object identity (safe: the memo holds the object, so it cannot be reused).
  private ep0: Endpoint | undefined = undefined;
  private id0 = 0;
  private ep1: Endpoint | undefined = undefined;
  private id1 = 0;
  private dnsRec: DNS | undefined = undefined;
  private dnsQuery = 0;
  private dnsQtypes = 0;
  private dnsQtypesText = '';
  private dnsQQ = -1;
  private httpRec: HTTP | undefined = undefined;
  private httpMethod = 0;
  private httpMP = 0;
  private dropFlow: Flow | undefined = undefined;
  private dropId = 0;

  constructor(readonly max = DEFAULT_KEYSPACE_MAX) {}

  /** Number of entries. */
  get size(): number {
    return this.next - 1 + this.nextPod - 1;
  }

  /** Calls `fn` after every reset (ids handed out before are then meaningless). */
  onReset(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** Resets the space if it is full. Call between flows only. */
  maintain(): void {
    if (this.full) this.reset();
  }

  /** Drops every entry and starts a new epoch. */
  reset(): void {
    this.strings = new Map();
    this.byPod = new Map();
    this.podNs = [''];
    this.pods = new Map();
    this.pairs.clear();
    this.next = 1;
    this.nextPod = 1;
    this.full = false;
    this.ep0 = this.ep1 = undefined;
    this.dnsRec = undefined;
    this.httpRec = undefined;
    this.dropFlow = undefined;
    this.epoch++;
    for (const fn of this.listeners) fn();
  }

  /** Id of a string: 0 for '', else a positive integer. */
  str(s: string): number {
    if (s === '') return 0;
    let id = this.strings.get(s);
    if (id === undefined) this.strings.set(s, (id = this.take()));
    return id;
  }

  /** Id of an ordered pair of ids (or other non-negative integers); always positive. */
  pair(a: number, b: number): number {
    let id = this.pairs.get(a, b);
    if (id < 0) this.pairs.set(a, b, (id = this.take()));
    return id;
  }

  /**
   * Id of an ordered pair of pod ids. Both usually fit 15 bits: the pair is then packed into a
   * negative Smi without any lookup; otherwise it is a (positive) {@link pair} id.
   */
  podPair(s: number, t: number): number {
    return s < POD_PACK && t < POD_PACK ? -(s * POD_PACK + t) - 1 : this.pair(s, t);
  }

  /** Id of a list of strings (element by element, so `['a,b']` and `['a', 'b']` differ); 0 for undefined. */
  list(xs: readonly string[] | undefined): number {
    if (xs === undefined) return 0;
    let id = 1 << 30; // distinct from the id of an empty list (pair ids are < 2^30 in practice)
    for (let i = 0; i < xs.length; i++) id = this.pair(id, this.str(xs[i]!));
    return id;
  }

  /**
   * Id of an endpoint's `pod` context value (`namespace/pod`, or the bare pod name without a
   * namespace); 0 when that value is empty. Memoized for the last two endpoints seen, which
   * are the source and destination of the current flow.
   */
  podId(ep: Endpoint | undefined): number {
    if (ep === undefined) return 0;
    if (ep === this.ep0) return this.id0;
    if (ep === this.ep1) return this.id1;
    const ns = ep.namespace;
    const pod = ep.pod_name ?? '';
    let id: number;
    if (ns === undefined || ns === '') id = pod === '' ? 0 : this.podPathId('', pod);
    else id = this.podPathId(ns, pod);
    this.ep1 = this.ep0;
    this.id1 = this.id0;
    this.ep0 = ep;
    this.id0 = id;
    return id;
  }

  /**
   * Loads the DNS record of the current flow (memoized by identity) and returns the id of its
   * query name; {@link qtypesId} and {@link qtypesText} then describe its question types.
   */
  dns(d: DNS): number {
    if (d !== this.dnsRec) {
      this.dnsRec = d;
      const q = d.qtypes;
      const text = q === undefined ? '' : q.length === 1 ? q[0]! : q.join(',');
      this.dnsQtypesText = text;
      this.dnsQtypes = this.str(text);
      this.dnsQuery = this.str(d.query ?? '');
      this.dnsQQ = -1;
    }
    return this.dnsQuery;
  }

  /** Id of the pair (query, question types) of the record last passed to {@link dns}. */
  dnsQueryQtypes(): number {
    if (this.dnsQQ < 0) this.dnsQQ = this.pair(this.dnsQuery, this.dnsQtypes);
    return this.dnsQQ;
  }

  /**
   * Loads an HTTP record (memoized by identity) and returns the id of its method ('' when
   * absent); {@link httpMethodProtocol} is then the id of the pair (method, protocol).
   */
  http(h: HTTP): number {
    if (h !== this.httpRec) {
      this.httpRec = h;
      const m = this.str(h.method ?? '');
      this.httpMethod = m;
      this.httpMP = this.pair(m, this.str(h.protocol ?? ''));
    }
    return this.httpMethod;
  }

  /** Id of the pair (method, protocol) of the record last passed to {@link http}. */
  get httpMethodProtocol(): number {
    return this.httpMP;
  }

  /** Id of a flow's drop reason name ({@link dropReasonName}), memoized for the last flow. */
  dropReason(flow: Flow): number {
    if (flow !== this.dropFlow) {
      this.dropFlow = flow;
      this.dropId = this.str(dropReasonName(flow));
    }
    return this.dropId;
  }

  /** Id of the question types (joined with `,`) of the record last passed to {@link dns}. */
  get qtypesId(): number {
    return this.dnsQtypes;
  }

  /** The question types joined with `,`, of the record last passed to {@link dns}. */
  get qtypesText(): string {
    return this.dnsQtypesText;
  }

  private podPathId(ns: string, pod: string): number {
    const e = this.byPod.get(pod);
    if (e !== undefined && this.podNs[e] === ns) return e;
    if (e === undefined) {
      const id = this.takePod(ns);
      this.byPod.set(pod, id);
      return id;
    }
    let m = this.pods.get(ns);
    if (m === undefined) this.pods.set(ns, (m = new Map()));
    let id = m.get(pod);
    if (id === undefined) m.set(pod, (id = this.takePod(ns)));
    return id;
  }

  private take(): number {
    const id = this.next++;
    if (this.next + this.nextPod > this.max) this.full = true;
    return id;
  }

  /** A new pod id, for a pod of namespace `ns`. */
  private takePod(ns: string): number {
    const id = this.nextPod++;
    this.podNs[id] = ns;
    if (this.next + this.nextPod > this.max) this.full = true;
    return id;
  }
}
