/**
 * Writes FlowBatches into DuckDB (runs in the store worker).
 *
 * Fragments get store-wide ids (never reused while referenced); the batch's local ids are mapped
 * to them. Fragment rows are committed before the flow rows that reference them, so a crash can
 * leave an unreferenced fragment but never a dangling flow. Flow rows go in through DataChunks
 * filled straight from typed arrays (about a microsecond per row for the whole path, against
 * 3 µs for the row-wise appender), 2048 rows per chunk, one commit per batch.
 *
 * Each flow is also added to the per-minute rollup rows held in memory (rollup-acc.ts), which
 * are appended to `rollup` in a batch's transaction once a minute has ended: the table holds
 * the flows up to some seq, and readers take the rest from the flow rows. Grouping in JS costs
 * a few per cent of the write; the same grouping as an INSERT ... SELECT per batch cost
 * 10-20%, and merging the rows of several batches afterwards (DELETE + INSERT) cost more still
 * and left deleted rows on disk. `rollupInsertSql` builds the same rows in SQL where flows come
 * from the table (catch-up at open, retention), and the tests hold both to the flow rows.
 */
import {
  BIGINT,
  DuckDBDataChunk,
  UBIGINT,
  UINTEGER,
  USMALLINT,
  UTINYINT,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { storeForm, type FlowBatch } from '../batch.js';
import { endpointAttrs, l7Attrs, restAttrs } from '../dims.js';
import { CODE_DIMS, FRAGMENT_TABLES, rollupInsertSql } from './sql.js';
import { DimDict } from './dim-dict.js';
import { L7_ATTRS, REST_ATTRS } from '../dims.js';
import { F_FLOW, F_LATENCY } from '../flow-split.js';
import { RollupAccumulator } from './rollup-acc.js';

type Kind = keyof typeof FRAGMENT_TABLES;
const ATTRS: Record<Kind, (obj: never) => Record<string, string>> = {
  endpoint: endpointAttrs,
  l7: l7Attrs,
  rest: restAttrs,
};
const TYPES = [
  BIGINT,
  UINTEGER,
  UINTEGER,
  UTINYINT,
  UBIGINT,
  UBIGINT,
  UINTEGER,
  UINTEGER,
  UINTEGER,
  UINTEGER,
  USMALLINT,
  USMALLINT,
  UINTEGER,
  ...CODE_DIMS.map(() => UINTEGER),
];
const NR = REST_ATTRS.length;
const IS_REPLY = REST_ATTRS.indexOf('is_reply');
/**
 * The rollup rows in memory are written once a minute has ended, or once they cover this many
 * flows (which bounds what readers take from the flow rows instead).
 */
const ROLLUP_MAX_FLOWS = 200_000;
const NO_CODES = new Uint32Array(L7_ATTRS.length);
/** Rows per DataChunk (DuckDB's vector size). */
const CHUNK = 2048;
/** Fragment id caches are cleared beyond this many entries (ids stay valid; only dedup suffers). */
const CACHE_MAX = 500_000;

type Items = { items: ArrayBufferView & ArrayLike<number> & { [i: number]: number } };

/** Fragment id assignment and caches of one kind. */
class FragmentIds {
  next = 1;
  readonly byJson = new Map<string, number>();
  readonly byId = new Map<number, string>();
  /** Dimension codes of rest and L7 fragments, by id. */
  readonly codes = new Map<number, Uint32Array>();
  /** Id of each fragment's code tuple (FlowWriter.tuples), by id. */
  readonly tuple = new Map<number, number>();
  constructor(readonly kind: Kind) {}
  clear(): void {
    this.byJson.clear();
    this.byId.clear();
    this.codes.clear();
    this.tuple.clear();
  }
}

/** Appends batches; owns one appender per table. */
export class FlowWriter {
  readonly frags: Record<Kind, FragmentIds> = {
    endpoint: new FragmentIds('endpoint'),
    l7: new FragmentIds('l7'),
    rest: new FragmentIds('rest'),
  };
  readonly dict = new DimDict();
  private flows!: DuckDBAppender;
  private rollup!: DuckDBAppender;
  private dims!: DuckDBAppender;
  /** Ids of distinct code tuples (rest or L7), for the rollup's grouping keys. */
  private readonly tuples = new Map<string, number>();
  /** Rollup rows of committed flows not yet in the table (see rollup-acc.ts). */
  readonly acc = new RollupAccumulator();
  /** A failed batch may have left rows in `acc`: rebuild them from the table before going on. */
  private accStale = false;
  private fragApp!: Record<Kind, DuckDBAppender>;

  constructor(private readonly con: DuckDBConnection) {}

  /** Loads id counters and opens appenders (again after close()). */
  async init(): Promise<void> {
    for (const kind of Object.keys(FRAGMENT_TABLES) as Kind[]) {
      const r = await this.con.runAndReadAll(
        `SELECT coalesce(max(id), 0) FROM ${FRAGMENT_TABLES[kind].table}`,
      );
      this.frags[kind].next = Number(r.getRows()[0][0]) + 1;
    }
    this.flows = await this.con.createAppender('flows');
    this.rollup = await this.con.createAppender('rollup');
    this.dims = await this.con.createAppender('dims');
    this.fragApp = {
      endpoint: await this.con.createAppender('endpoints'),
      l7: await this.con.createAppender('l7s'),
      rest: await this.con.createAppender('rests'),
    };
  }

  /** Loads the dimension dictionary (once, at open). */
  async loadDict(): Promise<void> {
    await this.dict.load(this.con);
  }

  /**
   * Maps a batch's fragment list to store ids, appending new fragments; `codes` receives the
   * dimension codes of each local id (rest and L7 kinds). Index 0 = none.
   */
  private mapFragments(kind: Kind, list: string[], codes?: Uint32Array[], tuples?: Uint32Array): Uint32Array {
    const ids = this.frags[kind];
    if (ids.byJson.size > CACHE_MAX) ids.clear();
    const out = new Uint32Array(list.length + 1);
    const app = this.fragApp[kind];
    const attrNames = FRAGMENT_TABLES[kind].attrs;
    for (let i = 0; i < list.length; i++) {
      const json = list[i];
      let id = ids.byJson.get(json);
      if (id === undefined) {
        id = ids.next++;
        const attrs = ATTRS[kind](JSON.parse(json) as never);
        app.appendUInteger(id);
        app.appendVarchar(json);
        for (const a of attrNames) app.appendVarchar(attrs[a]);
        app.endRow();
        ids.byJson.set(json, id);
        ids.byId.set(id, json);
        if (codes)
          ids.codes.set(
            id,
            Uint32Array.from(attrNames, (a) => this.dict.code(a as (typeof CODE_DIMS)[number], attrs[a])),
          );
      }
      out[i + 1] = id;
      if (codes) codes[i + 1] = ids.codes.get(id)!;
      if (tuples) {
        let t = ids.tuple.get(id);
        if (t === undefined) ids.tuple.set(id, (t = this.tupleOf(codes![i + 1])));
        tuples[i + 1] = t;
      }
    }
    return out;
  }

  /**
   * Writes and commits one batch: one transaction for its fragments and flows, and, when a
   * minute has ended (or many flows are held), for the rollup rows held in memory too. The
   * `rollup` table therefore always holds exactly the flows up to some seq.
   */
  async append(b: FlowBatch): Promise<void> {
    storeForm(b);
    if (this.accStale) await this.resyncRollup();
    await this.con.run('BEGIN TRANSACTION');
    let newest = 0;
    try {
      this.write(b);
      for (let i = 0; i < b.count; i++) if (b.secs[i] > newest) newest = b.secs[i];
      const flush = this.acc.flows >= ROLLUP_MAX_FLOWS || newest - (newest % 60) > this.acc.oldestMinute;
      if (flush) this.acc.write(this.rollup);
      await this.con.run('COMMIT');
      if (flush) this.acc.clear();
    } catch (e) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      this.accStale = true;
      throw e;
    }
  }

  /** Writes the rollup rows held in memory (before retention and at close). */
  async flushRollup(): Promise<void> {
    if (this.accStale) await this.resyncRollup();
    if (this.acc.size === 0) return;
    await this.con.run('BEGIN TRANSACTION');
    try {
      this.acc.write(this.rollup);
      await this.con.run('COMMIT');
      this.acc.clear();
    } catch (e) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * After a failed batch, the rows in memory may count flows that were rolled back: drop them
   * and add the rows of every committed flow beyond the table's newest seq in SQL.
   */
  private async resyncRollup(): Promise<void> {
    this.acc.clear();
    await this.con.run('BEGIN TRANSACTION');
    try {
      const r = await this.con.runAndReadAll('SELECT coalesce(max(s1), -1) FROM rollup');
      const from = Number(r.getRows()[0][0]);
      await this.con.run(rollupInsertSql([`f.seq > ${from}`], (d, v) => this.dict.codeOf(d, v)));
      await this.con.run('COMMIT');
      this.accStale = false;
    } catch (e) {
      await this.con.run('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  private write(b: FlowBatch): void {
    const l7Codes: Uint32Array[] = [NO_CODES];
    const restCodes: Uint32Array[] = [new Uint32Array(NR)];
    // Tuple ids are part of the keys held in memory: renumber only when none are held.
    if (this.tuples.size > CACHE_MAX && this.acc.size === 0) {
      this.tuples.clear();
      this.frags.l7.tuple.clear();
      this.frags.rest.tuple.clear();
    }
    // Code tuple ids by local id (0 = none: the all-empty tuple), for the rollup's keys.
    const l7Tuples = new Uint32Array(b.l7s.length + 1);
    const restTuples = new Uint32Array(b.rests.length + 1);
    l7Tuples[0] = this.tupleOf(NO_CODES);
    restTuples[0] = this.tupleOf(restCodes[0]);
    const ep = this.mapFragments('endpoint', b.endpoints);
    const l7 = this.mapFragments('l7', b.l7s, l7Codes, l7Tuples);
    const rest = this.mapFragments('rest', b.rests, restCodes, restTuples);
    for (const a of Object.values(this.fragApp)) a.flushSync();
    this.dict.flush(this.dims);
    this.writeFlows(b, ep, l7, rest, l7Codes, restCodes);
    const reply = this.dict.codeOf('is_reply', 'true') ?? -1;
    const acc = this.acc;
    for (let i = 0; i < b.count; i++) {
      if (!(b.flags[i] & F_FLOW)) continue;
      const r = b.rest[i];
      const l = b.l7[i];
      const rc = restCodes[r];
      acc.add(
        b.secs[i],
        ep[b.src[i]],
        ep[b.dst[i]],
        rc[IS_REPLY] === reply ? b.sport[i] : b.dport[i],
        restTuples[r],
        l7Tuples[l],
        rc,
        l7Codes[l],
        b.flags[i] & F_LATENCY ? b.latency[i] : -1,
        b.seq[i],
      );
    }
  }

  private writeFlows(
    b: FlowBatch,
    ep: Uint32Array,
    l7: Uint32Array,
    rest: Uint32Array,
    l7Codes: Uint32Array[],
    restCodes: Uint32Array[],
  ): void {
    for (let off = 0; off < b.count; off += CHUNK) {
      const n = Math.min(CHUNK, b.count - off);
      const chunk = DuckDBDataChunk.create(TYPES, n);
      const v = TYPES.map((_, i) => chunk.getColumnVector(i) as unknown as Items & { flush(): void });
      const seq32 = new Uint32Array(v[0].items.buffer, v[0].items.byteOffset, n * 2);
      const u8hi = new Uint8Array(v[4].items.buffer, v[4].items.byteOffset, n * 8);
      const u8lo = new Uint8Array(v[5].items.buffer, v[5].items.byteOffset, n * 8);
      for (let j = 0; j < n; j++) {
        const i = off + j;
        const s = b.seq[i];
        seq32[2 * j] = s % 0x1_0000_0000;
        seq32[2 * j + 1] = Math.floor(s / 0x1_0000_0000);
        v[1].items[j] = b.secs[i];
        v[2].items[j] = b.nanos[i];
        v[3].items[j] = b.flags[i];
        v[6].items[j] = ep[b.src[i]];
        v[7].items[j] = ep[b.dst[i]];
        v[8].items[j] = l7[b.l7[i]];
        v[9].items[j] = rest[b.rest[i]];
        v[10].items[j] = b.sport[i];
        v[11].items[j] = b.dport[i];
        v[12].items[j] = b.latency[i];
        const rc = restCodes[b.rest[i]];
        const lc = l7Codes[b.l7[i]];
        for (let k = 0; k < NR; k++) v[13 + k].items[j] = rc[k];
        for (let k = 0; k < lc.length; k++) v[13 + NR + k].items[j] = lc[k];
      }
      const u = b.uuid;
      for (let j = 0, src = off * 16; j < n * 8; j += 8, src += 16) {
        for (let k = 0; k < 8; k++) {
          u8hi[j + k] = u[src + k];
          u8lo[j + k] = u[src + 8 + k];
        }
      }
      for (const vec of v) vec.flush();
      this.flows.appendDataChunk(chunk);
    }
    this.flows.flushSync();
  }

  /** The id of a code tuple (rest or L7 codes; the kinds never share a tuple's use). */
  private tupleOf(codes: Uint32Array): number {
    const k = codes.join(',');
    let t = this.tuples.get(k);
    if (t === undefined) this.tuples.set(k, (t = this.tuples.size));
    return t;
  }

  /** Closes the appenders (flushing them). */
  close(): void {
    for (const a of [...Object.values(this.fragApp ?? {}), this.flows, this.rollup, this.dims])
      a?.closeSync();
  }
}
