/**
 * A metric family: one name, one type, a fixed label list, and its series in a keyed Map.
 *
 * This is the hot path of the exporter. A handler adds to the series of a flow with
 * {@link Family.add} or {@link Family.observeAt} (or gets it with {@link Family.atKey} or
 * {@link Family.at}), passing a label filler; the family finds the series through a two-part
 * numeric key in a compact typed-array table (pair-table.ts) and creates it on a miss, subject
 * to the family's series budget (see levels.ts). Values and touch times live in one typed
 * array per family, so that an increment touches little memory. A keyed store with our own
 * exposition writer is used rather than prom-client: the issue measured 1.2 M increments/s for
 * prom-client with 7 labels and 2.3 M/s for a keyed map here (see docs/metrics.md).
 */
import type { Flow } from '../../flow/index.js';
import type { KeySpace } from '../context/keys.js';
import { Level, levelCeilings } from './levels.js';
import { PairTable } from './pair-table.js';

/** Metric types as exposed. `gauge` families may still only ever grow (Retina's cumulative gauges). */
export type MetricType = 'counter' | 'gauge' | 'histogram';

/**
 * Writes the label values of a flow into `out`, in the family's declared label order, at a
 * granularity level (0 = exact; higher levels fold high-cardinality values, see levels.ts).
 * `arg` carries a per-call value such as the RR type of a DNS answer.
 */
export type LabelFill<A = unknown> = (out: string[], flow: Flow, level: number, arg: A) => void;

/** The last exemplar of a series (or of one histogram bucket). */
export interface Exemplar {
  /** Flow uuid. */
  uuid: string;
  /** `trace_context.parent.trace_id`, when the flow has one. */
  traceId: string;
  /** Flow time (RFC 3339); parsed only when rendered. */
  time: string;
  /** Increment or observed value. */
  value: number;
}

/** One series: a label set and its value(s). */
export class Series {
  /**
   * Number of the series in its family's state array (value and touch time, see
   * {@link Family.add}); -1 once removed, the state then lives in the series itself.
   */
  num = -1;
  /** The family whose state array holds the value while {@link num} ≥ 0. */
  private fam: Family | undefined = undefined;
  private ownValue = 0;
  private ownTouched: number;
  /** Histogram sum. */
  sum = 0;
  /** Histogram per-bucket (non-cumulative) counts, the last one being +Inf. */
  buckets: Float64Array | undefined;
  /** Last exemplar (counters and gauges). */
  exemplar: Exemplar | undefined;
  /** Last exemplar per histogram bucket. */
  bucketExemplars: (Exemplar | undefined)[] | undefined;
  /** Set when the series was removed, so that stale index entries are recognised. */
  dead = false;
  /** Exposition caches: sort key, `name{labels} `, and the text of the value last rendered per format. */
  sortKey: string | undefined = undefined;
  prefix: string | undefined = undefined;
  promOf = NaN;
  promText = '';
  omOf = NaN;
  omText = '';

  constructor(
    /** Map key (label values joined in declared order). */
    readonly key: string,
    /** Label values in declared order. */
    readonly values: readonly string[],
    /** `name="value",...` in sorted label-name order, escaped; empty when there are no labels. */
    readonly labelText: string,
    /** Granularity the series was created at. */
    readonly level: number,
    now: number,
  ) {
    this.ownTouched = now;
  }

  /** Counter/gauge value; for histograms the observation count. */
  get value(): number {
    return this.num >= 0 ? this.fam!.state[this.num * 2]! : this.ownValue;
  }

  set value(v: number) {
    if (this.num >= 0) this.fam!.state[this.num * 2] = v;
    else this.ownValue = v;
  }

  /** Clock reading (ms) of the last update; drives expiry. */
  get touched(): number {
    return this.num >= 0 ? this.fam!.state[this.num * 2 + 1]! : this.ownTouched;
  }

  set touched(t: number) {
    if (this.num >= 0) this.fam!.state[this.num * 2 + 1] = t;
    else this.ownTouched = t;
  }

  /** Moves the state into the family's array at `num` (attach) or back into the series (num -1). */
  place(fam: Family | undefined, num: number): void {
    const value = this.value;
    const touched = this.touched;
    this.fam = fam;
    this.num = num;
    this.value = value;
    this.touched = touched;
  }
}

/** A clock shared by all families of a pipeline, advanced once per batch. */
export interface Clock {
  now: number;
}

/** Describes a family. */
export interface FamilySpec {
  name: string;
  help: string;
  type: MetricType;
  /** Label names in declared (filler) order. Exposition sorts them by name, like the Go client. */
  labels: readonly string[];
  /** Histogram upper bounds, ascending, without +Inf. */
  buckets?: readonly number[];
  /** True when some label folds with the level (pod names, IPs, DNS names...). */
  degradable?: boolean;
  /**
   * Labels that name a pod, for {@link Family.forgetPod}: either one label holding
   * `namespace/pod`, or a namespace label plus a pod-name label.
   */
  podLabels?: readonly ({ path: string } | { namespace: string; pod: string })[];
}

/** Run-time settings of a family. */
export interface FamilySettings {
  /** Maximum number of series (label sets). */
  budget: number;
  /** Idle series older than this are removed by sweep(); 0 keeps them forever. */
  ttlMs: number;
  /** Record exemplars. */
  exemplars: boolean;
}

const SEP = '\u0001';

/** A metric family with a budgeted series map. */
export class Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  readonly buckets: readonly number[] | undefined;
  readonly degradable: boolean;
  readonly podLabels: FamilySpec['podLabels'];
  readonly budget: number;
  readonly ttlMs: number;
  readonly exemplars: boolean;
  /** Increments that landed in a folded series, indexed by Level (1..3), and dropped ones (4). */
  readonly folds = new Float64Array(5);
  /** Series removed by expiry or forgetPod. */
  expired = 0;

  /** Canonical store: every series, keyed by its label values joined in declared order. */
  private readonly byValues = new Map<string, Series>();
  /**
   * Fast index for {@link Family.atKey}: (context key, handler code) → series. Holds only
   * exact (level 0) series, so it is bounded by the series count (handlers' keys are exactly
   * as specific as the label values). Keys are KeySpace ids: the index is dropped when the
   * KeySpace resets. Numeric keys go to {@link table}; string (and NaN) handler codes, for
   * unusual values, to {@link other}.
   */
  private readonly table = new PairTable();
  private readonly other = new Map<number, Map<string | number, Series>>();
  /**
   * Hot state of the live series by number ({@link Series.num}): value at 2n, touch time at
   * 2n + 1. Kept apart from the series objects so that an increment touches one cache line
   * instead of the series and the boxes of its double fields. Internal to Family and Series.
   */
  state = new Float64Array(64);
  /** Live series by number. */
  private live: Series[] = [];
  private readonly ceilings: number[];
  private readonly buf: string[];
  /** Indices of declared labels in sorted-name order. */
  private readonly order: number[];
  private sorted: Series[] | undefined;

  constructor(
    spec: FamilySpec,
    settings: FamilySettings,
    private readonly clock: Clock,
    /** The KeySpace whose ids {@link Family.atKey} receives; its resets drop the index. */
    keys?: KeySpace,
  ) {
    this.name = spec.name;
    this.help = spec.help;
    this.type = spec.type;
    this.labels = spec.labels;
    this.buckets = spec.buckets;
    this.degradable = spec.degradable ?? false;
    this.podLabels = spec.podLabels;
    this.budget = settings.budget;
    this.ttlMs = settings.ttlMs;
    this.exemplars = settings.exemplars;
    this.ceilings = levelCeilings(settings.budget);
    this.buf = new Array<string>(spec.labels.length).fill('');
    this.order = spec.labels.map((_, i) => i).sort((a, b) => cmp(spec.labels[a]!, spec.labels[b]!));
    keys?.onReset(() => this.dropIndex());
  }

  /** Number of series. */
  get size(): number {
    return this.byValues.size;
  }

  /**
   * The series of a flow, found through a precomputed two-part key: `k1` (the handler's
   * context key, {@link ContextLabels.keyOf}, shared between handlers and computed once per
   * flow, or any number for families without context labels) and `k2` (a number, or a string for unusual values, for the handler's own labels,
   * usually built from KeySpace ids). Within a KeySpace epoch the pair must determine the label
   * values, and be no more specific than them (the index must stay bounded by the series
   * count). On a miss this falls back to {@link Family.at} with `fill`, and indexes the exact
   * series it finds.
   */
  atKey<A>(k1: number, k2: string | number, fill: LabelFill<A>, flow: Flow, arg: A): Series | undefined {
    const n = this.find(k1, k2, fill, flow, arg);
    return n < 0 ? undefined : this.live[n];
  }

  /**
   * Adds `v` to the value of the series of a flow, found as {@link atKey} finds it, and
   * records the exemplar when exemplars are enabled (and `exemplar` is true).
   */
  add<A>(
    k1: number,
    k2: string | number,
    fill: LabelFill<A>,
    flow: Flow,
    arg: A,
    v: number,
    exemplar = true,
  ): void {
    const n = this.find(k1, k2, fill, flow, arg);
    if (n < 0) return;
    this.state[n * 2] += v;
    if (exemplar && this.exemplars) this.exemplar(this.live[n]!, flow, v);
  }

  /**
   * Observes `v` in the histogram series of a flow, found as {@link atKey} finds it, with its
   * exemplar when exemplars are enabled.
   */
  observeAt<A>(k1: number, k2: string | number, fill: LabelFill<A>, flow: Flow, arg: A, v: number): void {
    const n = this.find(k1, k2, fill, flow, arg);
    if (n < 0) return;
    const s = this.live[n]!;
    const b = this.observe(s, v);
    if (this.exemplars) this.exemplar(s, flow, v, b);
  }

  /** Number of the series of (k1, k2), touched; see {@link atKey}. -1 when dropped. */
  private find<A>(k1: number, k2: string | number, fill: LabelFill<A>, flow: Flow, arg: A): number {
    if (typeof k2 === 'number' && k2 === k2 && k1 === k1) {
      const n = this.table.get(k1, k2);
      if (n >= 0) {
        this.state[n * 2 + 1] = this.clock.now;
        return n;
      }
      return this.miss(k1, k2, fill, flow, arg);
    }
    return this.findOther(k1, k2, fill, flow, arg);
  }

  /** {@link find} of a numeric key that is not indexed (yet): by label values, then indexed. */
  private miss<A>(k1: number, k2: number, fill: LabelFill<A>, flow: Flow, arg: A): number {
    const s = this.at(fill, flow, arg);
    if (s === undefined) return -1;
    if (s.level === 0 && !s.dead) this.table.set(k1, k2, s.num);
    return s.num;
  }

  /** {@link find} of a string (or NaN) key. */
  private findOther<A>(k1: number, k2: string | number, fill: LabelFill<A>, flow: Flow, arg: A): number {
    let row = this.other.get(k1);
    const found = row?.get(k2);
    if (found !== undefined) {
      found.touched = this.clock.now;
      return found.num;
    }
    const s = this.at(fill, flow, arg);
    if (s === undefined) return -1;
    if (s.level === 0 && !s.dead) {
      if (row === undefined) this.other.set(k1, (row = new Map()));
      row.set(k2, s);
    }
    return s.num;
  }

  /**
   * The series for a flow, created if needed and allowed by the budget; undefined when the
   * increment must be dropped (the drop is counted). Updates the series' touch time.
   */
  at<A>(fill: LabelFill<A>, flow: Flow, arg: A): Series | undefined {
    const out = this.buf;
    fill(out, flow, 0, arg);
    let key = joinKey(out);
    let s = this.byValues.get(key);
    if (s !== undefined) {
      s.touched = this.clock.now;
      return s;
    }
    const size = this.byValues.size;
    const ceilings = this.ceilings;
    if (size < ceilings[0]!) return this.create(key, out, 0);
    if (!this.degradable) {
      if (size < this.budget) return this.create(key, out, 0);
      this.folds[Level.Dropped]++;
      return undefined;
    }
    for (let level = 1; level <= 3; level++) {
      fill(out, flow, level, arg);
      key = joinKey(out);
      s = this.byValues.get(key);
      if (s === undefined) {
        if (this.byValues.size >= ceilings[level]!) continue;
        s = this.create(key, out, level);
      } else {
        s.touched = this.clock.now;
      }
      this.folds[level]++;
      return s;
    }
    this.folds[Level.Dropped]++;
    return undefined;
  }

  /**
   * The series for explicit label values (declared order), created within the budget.
   * For families fed by collectors rather than flows; no degradation.
   */
  get(values: readonly string[]): Series | undefined {
    const key = joinKey(values);
    const s = this.byValues.get(key);
    if (s !== undefined) {
      s.touched = this.clock.now;
      return s;
    }
    if (this.byValues.size >= this.budget) {
      this.folds[Level.Dropped]++;
      return undefined;
    }
    return this.create(key, values, 0);
  }

  /** Adds an observation to a histogram series; returns the bucket index. */
  observe(s: Series, v: number): number {
    const b = this.buckets!;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    s.buckets![i]! += 1;
    s.value += 1;
    s.sum += v;
    return i;
  }

  /** Records the exemplar of an increment (counters/gauges) when exemplars are enabled. */
  exemplar(s: Series, flow: Flow, value: number, bucket = -1): void {
    const ex: Exemplar = {
      uuid: flow.uuid ?? '',
      traceId: flow.trace_context?.parent?.trace_id ?? '',
      time: flow.time ?? '',
      value,
    };
    if (bucket < 0) s.exemplar = ex;
    else (s.bucketExemplars ??= [])[bucket] = ex;
  }

  /** Series in exposition order (sorted by label values in label-name order, like the Go client). */
  series(): Series[] {
    if (this.sorted === undefined) {
      // Values in label-name order joined with U+0000, which sorts before every other character:
      // comparing these keys compares the values one by one, as the Go client does.
      const all = [...this.byValues.values()];
      this.sorted = all.sort((a, b) => (a.sortKey! < b.sortKey! ? -1 : a.sortKey! > b.sortKey! ? 1 : 0));
    }
    return this.sorted;
  }

  /** Removes series idle for longer than the TTL; returns how many. */
  sweep(now: number): number {
    if (this.ttlMs <= 0) return 0;
    const limit = now - this.ttlMs;
    return this.removeWhere((s) => s.touched < limit);
  }

  /** Removes the series that name a pod that is gone (as Hubble does on endpoint deletion). */
  forgetPod(namespace: string, pod: string): number {
    const specs = this.podLabels;
    if (!specs || specs.length === 0) return 0;
    const idx = specs.map((p) =>
      'path' in p
        ? { path: this.labels.indexOf(p.path), ns: -1, pod: -1 }
        : { path: -1, ns: this.labels.indexOf(p.namespace), pod: this.labels.indexOf(p.pod) },
    );
    const path = namespace === '' ? pod : `${namespace}/${pod}`;
    return this.removeWhere((s) =>
      idx.some((p) =>
        p.path >= 0
          ? s.values[p.path] === path
          : p.ns >= 0 && p.pod >= 0 && s.values[p.ns] === namespace && s.values[p.pod] === pod,
      ),
    );
  }

  /** Removes every series. */
  reset(): void {
    for (const s of this.byValues.values()) {
      s.dead = true;
      s.place(undefined, -1);
    }
    this.byValues.clear();
    this.live = [];
    this.state = new Float64Array(64);
    this.dropIndex();
    this.sorted = undefined;
  }

  /** Forgets the {@link Family.atKey} index (series stay; they are found again by value). */
  dropIndex(): void {
    this.table.clear();
    this.other.clear();
  }

  private removeWhere(pred: (s: Series) => boolean): number {
    let n = 0;
    for (const [k, s] of this.byValues) {
      if (pred(s)) {
        s.dead = true;
        this.byValues.delete(k);
        n++;
      }
    }
    if (n === 0) return 0;
    // Renumber the live series (dead ones keep their state), then the index.
    const remap = new Int32Array(this.live.length).fill(-1);
    const old = this.live;
    const state = new Float64Array(this.state.length);
    this.live = [];
    for (let i = 0; i < old.length; i++) {
      const s = old[i]!;
      if (s.dead) {
        s.place(undefined, -1);
        continue;
      }
      const j = this.live.length;
      remap[i] = j;
      state[j * 2] = this.state[i * 2]!;
      state[j * 2 + 1] = this.state[i * 2 + 1]!;
      this.live.push(s);
      s.num = j;
    }
    this.state = state;
    this.table.purge(remap);
    for (const [k1, row] of this.other) {
      for (const [k2, s] of row) if (s.dead) row.delete(k2);
      if (row.size === 0) this.other.delete(k1);
    }
    this.sorted = undefined;
    this.expired += n;
    return n;
  }

  private create(key: string, values: readonly string[], level: number): Series {
    const copy = values.slice();
    const text = flatten(labelText(this.labels, this.order, copy));
    const s = new Series(key, copy, text, level, this.clock.now);
    const num = this.live.length;
    if (num * 2 + 2 > this.state.length) {
      const grown = new Float64Array(this.state.length * 2);
      grown.set(this.state);
      this.state = grown;
    }
    this.live.push(s);
    s.place(this, num);
    // Exposition strings are built here, once per series, rather than on the first scrape.
    s.sortKey = sortKeyOf(copy, this.order);
    s.prefix = flatten(text === '' ? `${this.name} ` : `${this.name}{${text}} `);
    if (this.type === 'histogram') s.buckets = new Float64Array(this.buckets!.length + 1);
    this.byValues.set(key, s);
    this.sorted = undefined;
    return s;
  }
}

/**
 * Flattens a string built by concatenation (a rope) in place and returns it. Strings kept for
 * rendering are flattened once, so that every /metrics render copies them instead of walking a
 * tree of pieces (V8 flattens a rope on character access).
 */
export function flatten(s: string): string {
  if (s.length > 0) s.charCodeAt(0);
  return s;
}

/** Values in label-name order joined with U+0000 (see {@link Family.series}). */
function sortKeyOf(values: readonly string[], order: readonly number[]): string {
  let k = '';
  for (let j = 0; j < order.length; j++) k += (j === 0 ? '' : '\u0000') + values[order[j]!]!;
  return flatten(k);
}

/** Joins label values into the canonical series key. */
export function joinKey(values: readonly string[]): string {
  const n = values.length;
  if (n === 0) return '';
  let k = values[0]!;
  for (let i = 1; i < n; i++) k += SEP + values[i]!;
  return k;
}

function labelText(names: readonly string[], order: readonly number[], values: readonly string[]): string {
  let s = '';
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (k > 0) s += ',';
    s += names[i]! + '="' + escapeValue(values[i]!) + '"';
  }
  return s;
}

const ESC = /[\\"\n]/;
function escapeValue(v: string): string {
  return ESC.test(v) ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
