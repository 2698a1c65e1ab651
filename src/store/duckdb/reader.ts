/**
 * Query side of the DuckDB store (runs in the store worker): pages of narrow rows turned back
 * into FlowBatches (with the fragments they use), aggregate rows and service-map rows.
 */
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import { allocBatch, type FlowBatch } from '../batch.js';
import type { AggregateRow, AggregateSpec, GraphRow, GraphSpec, HistoryPageQuery } from '../history-store.js';
import { l7Class } from '../dims.js';
import {
  aggregateSql,
  CODE_DIMS,
  FRAGMENT_TABLES,
  graphSql,
  GRAPH_CODES,
  GRAPH_EP_COLS,
  pageSql,
  rollupSplit,
  type CodeDim,
  type RollupSplit,
} from './sql.js';
import type { FlowWriter } from './writer.js';

type Kind = keyof typeof FRAGMENT_TABLES;
type Vec = { items: ArrayBufferView & ArrayLike<number | bigint> };

function items(chunk: DuckDBDataChunk, col: number): Vec['items'] {
  return (chunk.getColumnVector(col) as unknown as Vec).items;
}

/** Reads pages and aggregates. */
export class FlowReader {
  /** Queries answered (at least partly) from the rollup. */
  rollupAnswers = 0;
  /** Serialises the rollup queries' transactions on the connection. */
  private snapshot: Promise<unknown> = Promise.resolve();

  /**
   * @param con the connection of pages and raw-only queries
   * @param snapCon the connection of the rollup's transactions (their own, so no other query
   *   runs inside one)
   */
  constructor(
    private readonly con: DuckDBConnection,
    private readonly writer: FlowWriter,
    private readonly snapCon: DuckDBConnection = con,
  ) {}

  /**
   * Runs `sql(split)` with the rollup's share of the query when it can answer one, else
   * `sql(undefined)` (raw rows only). The rollup table holds the committed flows up to its
   * newest seq `max(s1)`, read in the same transaction (snapshot) as the query: flows after it
   * come from the flow rows (`tailFrom`). When it holds flows at or beyond `toSeq` (a batch
   * committed after the caller's flush), the flow rows answer alone.
   */
  private async run(
    spec: Parameters<typeof rollupSplit>[0] & { toSeq?: number; path?: 'raw' },
    sql: (split: RollupSplit | undefined) => string,
  ): Promise<unknown[][]> {
    const split = spec.path === 'raw' ? undefined : rollupSplit(spec);
    if (!split) return (await this.con.runAndReadAll(sql(undefined))).getRows();
    const con = this.snapCon;
    const go = async (): Promise<unknown[][]> => {
      await con.run('BEGIN TRANSACTION');
      try {
        const r = await con.runAndReadAll('SELECT coalesce(max(s1), -1) FROM rollup');
        const covered = Number(r.getRows()[0][0]);
        const use = spec.toSeq === undefined || covered < spec.toSeq;
        const rows = (
          await con.runAndReadAll(sql(use ? { ...split, tailFrom: covered + 1 } : undefined))
        ).getRows();
        if (use) this.rollupAnswers++;
        return rows;
      } finally {
        await con.run('COMMIT');
      }
    };
    const p = this.snapshot.then(go);
    this.snapshot = p.catch(() => undefined);
    return p;
  }

  /** Fetches fragment JSON for store ids not in the writer's caches. */
  private async fragments(kind: Kind, ids: Set<number>): Promise<Map<number, string>> {
    const cache = this.writer.frags[kind].byId;
    const out = new Map<number, string>();
    const missing: number[] = [];
    for (const id of ids) {
      const j = cache.get(id);
      if (j !== undefined) out.set(id, j);
      else missing.push(id);
    }
    if (missing.length) {
      const r = await this.con.runAndReadAll(
        `SELECT id, json FROM ${FRAGMENT_TABLES[kind].table} WHERE id IN (${missing.join(',')})`,
      );
      for (const [id, json] of r.getRows()) {
        out.set(Number(id), String(json));
        cache.set(Number(id), String(json));
      }
    }
    return out;
  }

  /** One page as a FlowBatch (fragments renumbered locally). */
  async page(q: HistoryPageQuery): Promise<FlowBatch> {
    const res = await this.con.run(pageSql(q));
    const b = allocBatch(q.limit);
    let n = 0;
    for (let chunk = await res.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await res.fetchChunk()) {
      const rows = chunk.rowCount;
      const seq = items(chunk, 0) as BigInt64Array;
      const cols = [1, 2, 3].map((c) => items(chunk, c) as Uint32Array);
      const hi = items(chunk, 4);
      const lo = items(chunk, 5);
      const hi8 = new Uint8Array(hi.buffer, hi.byteOffset, rows * 8);
      const lo8 = new Uint8Array(lo.buffer, lo.byteOffset, rows * 8);
      const rest = [6, 7, 8, 9, 10, 11, 12].map((c) => items(chunk, c) as Uint32Array);
      for (let j = 0; j < rows; j++, n++) {
        b.seq[n] = Number(seq[j]);
        b.secs[n] = cols[0][j];
        b.nanos[n] = cols[1][j];
        b.flags[n] = cols[2][j];
        b.uuid.set(hi8.subarray(j * 8, j * 8 + 8), n * 16);
        b.uuid.set(lo8.subarray(j * 8, j * 8 + 8), n * 16 + 8);
        b.src[n] = rest[0][j];
        b.dst[n] = rest[1][j];
        b.l7[n] = rest[2][j];
        b.rest[n] = rest[3][j];
        b.sport[n] = rest[4][j];
        b.dport[n] = rest[5][j];
        b.latency[n] = rest[6][j];
      }
    }
    b.count = n;
    await this.localize(b);
    return b;
  }

  /** Replaces store fragment ids by batch-local ids and fills the batch's fragment lists. */
  private async localize(b: FlowBatch): Promise<void> {
    const specs: [Kind, Uint32Array[], string[]][] = [
      ['endpoint', [b.src, b.dst], b.endpoints],
      ['l7', [b.l7], b.l7s],
      ['rest', [b.rest], b.rests],
    ];
    for (const [kind, cols, list] of specs) {
      const ids = new Set<number>();
      for (const c of cols) for (let i = 0; i < b.count; i++) if (c[i]) ids.add(c[i]);
      const json = await this.fragments(kind, ids);
      const local = new Map<number, number>();
      for (const c of cols) {
        for (let i = 0; i < b.count; i++) {
          const id = c[i];
          if (!id) continue;
          let l = local.get(id);
          if (l === undefined) {
            const j = json.get(id);
            if (j === undefined) throw new Error(`dangling ${kind} fragment ${id}`);
            list.push(j);
            l = list.length;
            local.set(id, l);
          }
          c[i] = l;
        }
      }
    }
  }

  private readonly codeOf = (dim: CodeDim, value: string): number | undefined =>
    this.writer.dict.codeOf(dim, value);

  /** Aggregate rows (coded keys decoded). */
  async aggregate(spec: AggregateSpec): Promise<AggregateRow[]> {
    const rows = await this.run(spec, (split) => aggregateSql(spec, this.codeOf, split));
    const k = spec.groupBy.length;
    const dict = this.writer.dict;
    const coded = spec.groupBy.map((d) => (CODE_DIMS as readonly string[]).includes(d));
    return rows.map((row) => ({
      key: row.slice(0, k).map((v, i) => (coded[i] ? dict.value(spec.groupBy[i], Number(v)) : String(v))),
      bucket: row[k] === null ? undefined : Number(row[k]),
      flows: Number(row[k + 1]),
      value: row[k + 2] === null ? NaN : Number(row[k + 2]),
    }));
  }

  /** Service-map rows. */
  async graph(spec: GraphSpec): Promise<GraphRow[]> {
    const rows = await this.run(spec, (split) => graphSql(spec, this.codeOf, split));
    const e = GRAPH_EP_COLS;
    const dict = this.writer.dict;
    return rows.map((row) => {
      const s = row.map((v) => (typeof v === 'bigint' ? Number(v) : v));
      const c = Object.fromEntries(
        GRAPH_CODES.map((d, i) => [d, dict.value(d, Number(s[2 * e + 1 + i]))]),
      ) as Record<(typeof GRAPH_CODES)[number], string>;
      const n = 2 * e + 1 + GRAPH_CODES.length;
      return {
        src: s.slice(0, e).map(String),
        dst: s.slice(e, 2 * e).map(String),
        protocol: c.protocol,
        port: Number(s[2 * e]),
        verdict: c.verdict,
        dropReason: c.drop_reason,
        l7: l7Class(c.l7_protocol, c.http_status, c.dns_rcode, c.kafka_error),
        flows: Number(s[n]),
        first: Number(s[n + 1]),
        last: Number(s[n + 2]),
      };
    });
  }
}
