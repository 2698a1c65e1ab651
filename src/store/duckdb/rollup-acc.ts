/**
 * The per-minute rollup rows of flows not yet written to the `rollup` table (runs in the store
 * worker; see sql.ts for the table). Flows are grouped by (minute, source and destination
 * endpoint ids, service port, rest code tuple, L7 code tuple) in an open-addressing table over
 * typed arrays, so adding a flow allocates nothing. The writer appends the rows and clears the
 * accumulator in one of its batch transactions, so the table always holds a prefix (by seq) of
 * the committed flows; readers take the rest from the flow rows.
 */
import {
  BIGINT,
  DuckDBDataChunk,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  type DuckDBAppender,
  type DuckDBType,
} from '@duckdb/node-api';
import { CODE_DIMS } from './sql.js';

/** Column types of `rollup` (m, src, dst, port, codes, c, ls, lc, t0, t1, s1). */
const TYPES: DuckDBType[] = [
  UINTEGER,
  UINTEGER,
  UINTEGER,
  USMALLINT,
  ...CODE_DIMS.map(() => UINTEGER),
  UBIGINT,
  UBIGINT,
  UBIGINT,
  UINTEGER,
  UINTEGER,
  BIGINT,
];
/** Integers in a grouping key: minute number, src, dst, port, rest tuple, L7 tuple. */
const K = 6;
/** Rows per DataChunk. */
const CHUNK = 2048;

type Vec = { items: { [i: number]: number | bigint }; flush(): void };

/** Grouped rollup rows in memory. */
export class RollupAccumulator {
  private mask = 1023;
  private slots = new Int32Array(1024); // group index + 1; 0 = empty
  /** Per group: the key, then the values and the code tuples it stands for. */
  private keys: number[] = [];
  private rest: Uint32Array[] = [];
  private l7: Uint32Array[] = [];
  private c: number[] = [];
  private ls: number[] = [];
  private lc: number[] = [];
  private t0: number[] = [];
  private t1: number[] = [];
  private s1: number[] = [];
  /** Flows added since the last clear. */
  flows = 0;
  /** Oldest minute (epoch s) of the rows held (Infinity when empty). */
  oldestMinute = Infinity;

  /** Rows held. */
  get size(): number {
    return this.c.length;
  }

  /**
   * Adds one flow. `rt`/`lt` identify the code tuples `rest`/`l7` (equal ids, equal codes);
   * `lat` is the latency in ns, or -1 without one.
   */
  add(
    secs: number,
    src: number,
    dst: number,
    port: number,
    rt: number,
    lt: number,
    rest: Uint32Array,
    l7: Uint32Array,
    lat: number,
    seq: number,
  ): void {
    const minute = (secs - (secs % 60)) / 60;
    let h = 0x811c9dc5;
    h = Math.imul(h ^ minute, 0x01000193);
    h = Math.imul(h ^ src, 0x01000193);
    h = Math.imul(h ^ dst, 0x01000193);
    h = Math.imul(h ^ port, 0x01000193);
    h = Math.imul(h ^ rt, 0x01000193);
    h = Math.imul(h ^ lt, 0x01000193);
    h ^= h >>> 15;
    const keys = this.keys;
    let slot = h & this.mask;
    let g: number;
    for (;;) {
      const at = this.slots[slot];
      if (at === 0) {
        g = this.c.length;
        this.slots[slot] = g + 1;
        keys.push(minute, src, dst, port, rt, lt);
        this.rest.push(rest);
        this.l7.push(l7);
        this.c.push(0);
        this.ls.push(0);
        this.lc.push(0);
        this.t0.push(secs);
        this.t1.push(secs);
        this.s1.push(seq);
        if (secs - (secs % 60) < this.oldestMinute) this.oldestMinute = secs - (secs % 60);
        if (this.c.length * 2 > this.mask) this.grow();
        break;
      }
      const o = (at - 1) * K;
      if (
        keys[o] === minute &&
        keys[o + 1] === src &&
        keys[o + 2] === dst &&
        keys[o + 3] === port &&
        keys[o + 4] === rt &&
        keys[o + 5] === lt
      ) {
        g = at - 1;
        break;
      }
      slot = (slot + 1) & this.mask;
    }
    this.flows++;
    this.c[g]++;
    if (lat >= 0) {
      this.ls[g] += lat;
      this.lc[g]++;
    }
    if (secs < this.t0[g]) this.t0[g] = secs;
    if (secs > this.t1[g]) this.t1[g] = secs;
    if (seq > this.s1[g]) this.s1[g] = seq;
  }

  /** Doubles the slot table and re-inserts every group. */
  private grow(): void {
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size);
    const keys = this.keys;
    for (let g = 0; g < this.c.length; g++) {
      let h = 0x811c9dc5;
      for (let k = 0; k < K; k++) h = Math.imul(h ^ keys[g * K + k], 0x01000193);
      h ^= h >>> 15;
      let slot = h & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = g + 1;
    }
  }

  /** Appends the rows held to `app` (flushed; the caller commits), without clearing them. */
  write(app: DuckDBAppender): void {
    const n = this.c.length;
    const nr = this.rest[0]?.length ?? 0;
    for (let off = 0; off < n; off += CHUNK) {
      const rows = Math.min(CHUNK, n - off);
      const chunk = DuckDBDataChunk.create(TYPES, rows);
      const v = TYPES.map((_, i) => chunk.getColumnVector(i) as unknown as Vec);
      const k = 4 + CODE_DIMS.length;
      for (let j = 0; j < rows; j++) {
        const g = off + j;
        v[0].items[j] = this.keys[g * K] * 60;
        v[1].items[j] = this.keys[g * K + 1];
        v[2].items[j] = this.keys[g * K + 2];
        v[3].items[j] = this.keys[g * K + 3];
        const rest = this.rest[g];
        const l7 = this.l7[g];
        for (let q = 0; q < rest.length; q++) v[4 + q].items[j] = rest[q];
        for (let q = 0; q < l7.length; q++) v[4 + nr + q].items[j] = l7[q];
        v[k].items[j] = BigInt(this.c[g]);
        v[k + 1].items[j] = BigInt(this.ls[g]);
        v[k + 2].items[j] = BigInt(this.lc[g]);
        v[k + 3].items[j] = this.t0[g];
        v[k + 4].items[j] = this.t1[g];
        v[k + 5].items[j] = BigInt(this.s1[g]);
      }
      for (const vec of v) vec.flush();
      app.appendDataChunk(chunk);
    }
    app.flushSync();
  }

  /** Forgets every row. */
  clear(): void {
    this.mask = 1023;
    this.slots = new Int32Array(1024);
    this.keys = [];
    this.rest = [];
    this.l7 = [];
    this.c = [];
    this.ls = [];
    this.lc = [];
    this.t0 = [];
    this.t1 = [];
    this.s1 = [];
    this.flows = 0;
    this.oldestMinute = Infinity;
  }
}
