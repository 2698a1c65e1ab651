/**
 * ClickHouseHistoryStore: the scale-out FlowHistoryStore, on a ClickHouse server over HTTP
 * (`@clickhouse/client`). Same interface and same answers as the embedded DuckDB store; written
 * against the SQL that ClickHouse 18.16 (Debian's package) accepts (see sql.ts, docs/store.md).
 *
 * Writes: `append` queues a batch and returns at once. Batches are encoded and inserted one at a
 * time, in order (fragments first, then the flow rows, each one INSERT ... FORMAT TabSeparated).
 * At most `maxQueuedBatches` batches wait; beyond that a batch is dropped and counted, as in the
 * DuckDB store. A failed insert is counted too (failedBatches, droppedFlows, lastError).
 *
 * Reads go through the same HTTP client on their own requests: they never wait for the write
 * queue. Every query runs with wait_end_of_query=1, so an exception in the middle of a result is
 * an error and not a truncated answer (18.16 would otherwise append it to a 200 response).
 *
 * One writing server per database: sequence numbers and the progress mark belong to the writer.
 */
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { allocBatch, type FlowBatch } from '../batch.js';
import { StoreError } from '../errors.js';
import {
  defaultHistoryStoreOptions,
  validateHistoryStoreOptions,
  type AggregateRow,
  type AggregateSpec,
  type FlowHistoryStore,
  type GraphRow,
  type GraphSpec,
  type HistoryPageQuery,
  type HistoryStats,
  type HistoryStoreOptions,
  type RecoveryInfo,
  type RetentionResult,
} from '../history-store.js';
import { l7Class } from '../dims.js';
import { formatTimeKey } from '../time-key.js';
import {
  aggregateSql,
  bytesSql,
  countSql,
  deleteBelowSeqSql,
  dropPartitionSql,
  DAY_TABLES,
  FLOW_COLUMNS,
  fragmentSql,
  FRAGMENT_TABLES,
  GRAPH_CODES,
  GRAPH_EP_COLS,
  graphSql,
  ident,
  metaReadSql,
  pageSql,
  partitionsSql,
  pendingMutationsSql,
  schemaSql,
  statsSql,
  TOTAL_BUCKET,
  uint,
} from './sql.js';
import { InProcessEncoder, WorkerEncoder, type Encoder } from './encoder.js';
import { describeAddress, parseClickHouseUrl, redact, type ClickHouseAddress } from './url.js';

/** Options of the ClickHouse store: the history options (no dir, no threads) plus the server. */
export type ClickHouseHistoryOptions = Omit<HistoryStoreOptions, 'dir' | 'threads'> & {
  /** clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE] (see url.ts). */
  url: string;
  /** Override the URL's user and password (from flags or the environment). */
  username?: string;
  password?: string;
  /** HTTP request timeout (default 60 s). */
  requestTimeoutMs?: number;
  /** Encode batches to TSV in a worker thread (default true; false: on the calling thread). */
  encoderWorker?: boolean;
};

type Kind = keyof typeof FRAGMENT_TABLES;

/** The progress mark kept in the meta table (as in the DuckDB store's progress.json). */
interface ProgressMark {
  clean: boolean;
  accepted: number;
  committed: number;
  droppedFlows: number;
  pid: number;
  time: string;
}

/** ClickHouse error code from a message ("Code: 60, e.displayText() = ..."; 18.16 has no typed errors). */
export function clickhouseErrorCode(message: string): number | undefined {
  const m = /Code: (\d+)/.exec(message);
  return m ? Number(m[1]) : undefined;
}

const READ_CACHE_MAX = 200_000;
const IN_CHUNK = 2000;
const MARK_EVERY_MS = 5000;

const nsToKey = (s: string): { secs: number; nanos: number } =>
  s.length > 9 ? { secs: Number(s.slice(0, -9)), nanos: Number(s.slice(-9)) } : { secs: 0, nanos: Number(s) };

const cmpNs = (a: string, b: string): number =>
  a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;

/** UUID text (any 16 bytes) into a batch's uuid column. */
function uuidInto(s: string, out: Uint8Array, at: number): void {
  const h = s.replace(/-/g, '');
  for (let k = 0; k < 16; k++) out[at + k] = parseInt(h.slice(2 * k, 2 * k + 2), 16);
}

/** The ClickHouse-backed history store. Create with `ClickHouseHistoryStore.open`. */
export class ClickHouseHistoryStore implements FlowHistoryStore {
  private encoder: Encoder = new InProcessEncoder();
  private chain: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private droppedBatches = 0;
  private droppedFlows = 0;
  private failedBatches = 0;
  private committedFlows = 0;
  private expiredFlows = 0;
  private lastError: string | undefined;
  private accepted = 0;
  private closed = false;
  private retaining: Promise<RetentionResult> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly fragCache: Record<Kind, Map<string, string>> = {
    endpoint: new Map(),
    l7: new Map(),
    rest: new Map(),
  };
  /** Visible flows: count, seq range and time range (kept current by the writer). */
  private flows = 0;
  private minSeq = 0;
  private nextSeq = 0;
  private oldestNs: string | undefined;
  private newestNs: string | undefined;
  /** Retention floor: flows older than this (ns) are expired, even before their day is dropped. */
  private floorNs = '0';
  private lastMarkAt = 0;
  private lastMarkKey = '';
  private metaVer = 0;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly addr: ClickHouseAddress,
    readonly options: Omit<HistoryStoreOptions, 'dir' | 'threads'>,
    readonly recovery: RecoveryInfo,
  ) {}

  /** Where the store is (no credentials): http://host:port/database. */
  get address(): string {
    return describeAddress(this.addr);
  }

  /** Batches queued and not yet written. */
  get queued(): number {
    return this.inFlight;
  }

  /** Opens the store (creating the database and tables); rejects with StoreError when it cannot. */
  static async open(o: Partial<ClickHouseHistoryOptions> & { url: string }): Promise<ClickHouseHistoryStore> {
    const { url, username, password, requestTimeoutMs, encoderWorker, ...rest } = o;
    const opts = validateHistoryStoreOptions({
      ...defaultHistoryStoreOptions,
      ...rest,
      dir: 'clickhouse',
    });
    let parsed: ClickHouseAddress;
    try {
      parsed = parseClickHouseUrl(url);
    } catch (e) {
      throw new StoreError('STORE_BAD_CONFIG', `store url: ${(e as Error).message}`);
    }
    const addr: ClickHouseAddress = {
      ...parsed,
      username: username ?? parsed.username,
      password: password ?? parsed.password,
    };
    if (requestTimeoutMs !== undefined && (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 100))
      throw new StoreError('STORE_BAD_CONFIG', `store requestTimeoutMs must be an integer >= 100`);
    const client = createClient({
      url: addr.url,
      username: addr.username ?? 'default',
      password: addr.password ?? '',
      application: 'flowlens',
      request_timeout: requestTimeoutMs ?? 60_000,
      max_open_connections: 8,
      compression: { request: false, response: false },
      // Errors surface as StoreErrors with the credentials removed; the client prints nothing.
      log: { level: ClickHouseLogLevel.OFF },
    });
    const where = describeAddress(addr);
    const { dir: _dir, threads: _threads, ...historyOpts } = opts;
    try {
      const ping = await client.ping({ select: true });
      if (!ping.success) throw (ping as { error: Error }).error;
      for (const ddl of schemaSql(addr.database)) await client.command({ query: ddl });
      const store = new ClickHouseHistoryStore(client, addr, historyOpts, {
        unclean: false,
        nextSeq: 0,
        lostAtLeast: 0,
        lossBound: opts.batchSize * (opts.maxQueuedBatches + 1),
      });
      await store.init();
      // Encoding costs about 12 µs of CPU per flow: keep it off the ingest thread.
      if (encoderWorker !== false) store.encoder = new WorkerEncoder();
      return store;
    } catch (e) {
      await client.close().catch(() => undefined);
      throw new StoreError(
        'STORE_IO',
        `cannot open the ClickHouse store at ${where}: ${redact(errText(e), addr.password)}`,
        { cause: e },
      );
    }
  }

  private wrap(e: unknown, what: string): StoreError {
    if (e instanceof StoreError) return e;
    const msg = redact(errText(e), this.addr.password);
    const code = clickhouseErrorCode(msg);
    return new StoreError('STORE_IO', `ClickHouse ${what} failed${code ? ` (code ${code})` : ''}: ${msg}`, {
      cause: e,
    });
  }

  /** Runs a query and returns its rows (JSONCompact; UInt64 values come back as strings). */
  private async rows(sql: string, what: string): Promise<unknown[][]> {
    try {
      const rs = await this.client.query({
        query: sql,
        format: 'JSONCompact',
        clickhouse_settings: { wait_end_of_query: 1 },
      });
      const j = await rs.json<unknown[]>();
      return (j as unknown as { data: unknown[][] }).data;
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  private async command(sql: string, what: string): Promise<void> {
    try {
      await this.client.command({ query: sql, clickhouse_settings: { wait_end_of_query: 1 } });
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  private async insert(table: string, columns: readonly string[], body: string): Promise<void> {
    await this.client.insert({
      table: `${ident(this.addr.database)}.${table}`,
      values: Readable.from([Buffer.from(body)], { objectMode: false }),
      format: 'TabSeparated',
      columns: columns as [string, ...string[]],
    });
  }

  private async init(): Promise<void> {
    const meta = await this.readMeta();
    this.floorNs = meta.get('floor') ?? '0';
    if (!/^\d+$/.test(this.floorNs)) this.floorNs = '0';
    await this.refreshCounts();
    const prev = meta.has('progress') ? (JSON.parse(meta.get('progress')!) as ProgressMark) : undefined;
    const unclean = prev !== undefined && !prev.clean;
    (this as { recovery: RecoveryInfo }).recovery = {
      unclean,
      nextSeq: this.nextSeq,
      lostAtLeast: unclean ? Math.max(0, prev.accepted - this.nextSeq) : 0,
      lossBound: this.recovery.lossBound,
    };
    this.accepted = this.nextSeq;
    await this.writeMark(false);
    const mark = setInterval(() => void this.writeMark(false).catch(() => undefined), MARK_EVERY_MS);
    const retention = setInterval(() => {
      void this.retain().catch((e: unknown) => {
        this.lastError = `retention failed: ${errText(e)}`;
      });
    }, this.options.retentionIntervalMs);
    mark.unref();
    retention.unref();
    this.timers.push(mark, retention);
  }

  private async readMeta(): Promise<Map<string, string>> {
    const rows = await this.rows(metaReadSql(this.addr.database), 'reading meta');
    return new Map(rows.map((r) => [String(r[0]), String(r[1])]));
  }

  private async writeMeta(key: string, value: string): Promise<void> {
    // ver: strictly increasing within this process, and above any earlier run's (time-based).
    this.metaVer = Math.max(this.metaVer + 1, Date.now() * 1000);
    await this.insert(
      'meta',
      ['key', 'ver', 'value'],
      `${key}\t${this.metaVer}\t${value.replace(/[\\\t\n]/g, ' ')}\n`,
    );
  }

  private async writeMark(clean: boolean): Promise<void> {
    const m = {
      clean,
      accepted: Math.max(this.nextSeq, this.accepted),
      committed: this.nextSeq,
      droppedFlows: this.droppedFlows,
    };
    const key = JSON.stringify(m);
    // Unchanged marks are not rewritten (each insert is a part on the server).
    if (!clean && key === this.lastMarkKey && Date.now() - this.lastMarkAt < 60_000) return;
    this.lastMarkKey = key;
    this.lastMarkAt = Date.now();
    const mark: ProgressMark = { ...m, pid: process.pid, time: new Date().toISOString() };
    await this.writeMeta('progress', JSON.stringify(mark));
  }

  /**
   * Re-reads the count, seq range and time range of the visible flows, between two writes (a
   * count taken while an insert is in flight would race with the writer's own bookkeeping).
   */
  private syncCounts(): Promise<void> {
    const p = this.chain.then(() => this.refreshCounts());
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async refreshCounts(): Promise<void> {
    const [r] = await this.rows(statsSql(this.addr.database, this.floorNs), 'stats');
    const n = Number(r[0]);
    this.flows = n;
    this.oldestNs = n ? String(r[1]) : undefined;
    this.newestNs = n ? String(r[2]) : undefined;
    this.minSeq = n ? Number(r[3]) : this.nextSeq;
    this.nextSeq = Math.max(this.nextSeq, n ? Number(r[4]) + 1 : 0);
  }

  append(batch: FlowBatch): boolean {
    if (this.closed || this.inFlight >= this.options.maxQueuedBatches) {
      this.droppedBatches++;
      this.droppedFlows += batch.count;
      return false;
    }
    if (batch.count === 0) return true;
    this.inFlight++;
    this.chain = this.chain.then(() => this.write(batch));
    return true;
  }

  private async write(b: FlowBatch): Promise<void> {
    try {
      const bodies = await this.encoder.encode(b);
      // Fragments before the flows that use them: a failure can leave unused fragments, never
      // a flow whose fragment is missing.
      for (const kind of Object.keys(FRAGMENT_TABLES) as Kind[])
        if (bodies.fragments[kind])
          await this.insert(FRAGMENT_TABLES[kind], ['day', 'id', 'json'], bodies.fragments[kind]);
      this.encoder.markWritten(bodies.newFragments);
      await this.insert('flows', FLOW_COLUMNS, bodies.flows);
      this.committedFlows += b.count;
      this.flows += b.count;
      if (this.flows === b.count) this.minSeq = b.seq[0];
      this.nextSeq = Math.max(this.nextSeq, b.seq[b.count - 1] + 1);
      if (!this.oldestNs || cmpNs(bodies.minNs, this.oldestNs) < 0) this.oldestNs = bodies.minNs;
      if (!this.newestNs || cmpNs(bodies.maxNs, this.newestNs) > 0) this.newestNs = bodies.maxNs;
    } catch (e) {
      this.failedBatches++;
      this.droppedFlows += b.count;
      this.lastError = `write failed: ${this.wrap(e, 'insert').message}`;
    } finally {
      this.inFlight--;
    }
  }

  markAccepted(nextSeq: number): void {
    this.accepted = nextSeq;
  }

  flush(): Promise<void> {
    if (this.closed && this.inFlight === 0) return Promise.resolve();
    return this.chain;
  }

  /**
   * One page. The table is ordered by seq, so each query asks for a seq window [lo, hi) that the
   * primary key prunes (18.16 cannot stop a full ORDER BY ... LIMIT early); windows grow 4× until
   * the page is full or the range is exhausted.
   */
  async page(q: HistoryPageQuery): Promise<FlowBatch> {
    const out = allocBatch(q.limit);
    const ids: Record<Kind, string[]> = { endpoint: [], l7: [], rest: [] };
    const lo0 = Math.max(q.fromSeq ?? 0, this.minSeq);
    const hi0 = Math.min(q.toSeq ?? this.nextSeq, this.nextSeq);
    let win = Math.max(4096, q.limit * 2);
    let lo = lo0;
    let hi = hi0;
    while (out.count < q.limit && lo < hi) {
      const [a, b] = q.order === 'asc' ? [lo, Math.min(hi, lo + win)] : [Math.max(lo, hi - win), hi];
      const rows = await this.rows(
        pageSql(
          this.addr.database,
          { lo: a, hi: b, since: q.since, until: q.until, order: q.order, limit: q.limit - out.count },
          this.floorNs,
        ),
        'page',
      );
      for (const r of rows) {
        const n = out.count++;
        out.seq[n] = Number(r[0]);
        const t = nsToKey(String(r[1]));
        out.secs[n] = t.secs;
        out.nanos[n] = t.nanos;
        out.flags[n] = Number(r[2]);
        uuidInto(String(r[3]), out.uuid, n * 16);
        ids.endpoint.push(String(r[4]), String(r[5]));
        ids.l7.push(String(r[6]));
        ids.rest.push(String(r[7]));
        out.sport[n] = Number(r[8]);
        out.dport[n] = Number(r[9]);
        out.latency[n] = Number(r[10]);
      }
      if (q.order === 'asc') lo = b;
      else hi = a;
      win *= 4;
    }
    await this.localize(out, ids);
    return out;
  }

  /** Fills the page's fragment lists and local ids from the stored fragment ids. */
  private async localize(b: FlowBatch, ids: Record<Kind, string[]>): Promise<void> {
    const specs: [Kind, string[], (i: number, local: number) => void][] = [
      ['endpoint', b.endpoints, (i, l) => ((i & 1 ? b.dst : b.src)[i >> 1] = l)],
      ['l7', b.l7s, (i, l) => (b.l7[i] = l)],
      ['rest', b.rests, (i, l) => (b.rest[i] = l)],
    ];
    for (const [kind, list, set] of specs) {
      const json = await this.fragments(kind, new Set(ids[kind].filter((id) => id !== '0')));
      const local = new Map<string, number>();
      ids[kind].forEach((id, i) => {
        if (id === '0') return set(i, 0);
        let l = local.get(id);
        if (l === undefined) {
          const j = json.get(id);
          if (j === undefined) throw new StoreError('STORE_IO', `dangling ${kind} fragment ${id}`);
          list.push(j);
          l = list.length;
          local.set(id, l);
        }
        set(i, l);
      });
    }
  }

  private async fragments(kind: Kind, ids: Set<string>): Promise<Map<string, string>> {
    const cache = this.fragCache[kind];
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const id of ids) {
      const j = cache.get(id);
      if (j !== undefined) out.set(id, j);
      else missing.push(id);
    }
    if (cache.size + missing.length > READ_CACHE_MAX) cache.clear();
    for (let i = 0; i < missing.length; i += IN_CHUNK) {
      const rows = await this.rows(
        fragmentSql(this.addr.database, kind, missing.slice(i, i + IN_CHUNK)),
        'fragment read',
      );
      for (const [id, json] of rows) {
        out.set(String(id), String(json));
        cache.set(String(id), String(json));
      }
    }
    return out;
  }

  async aggregate(spec: AggregateSpec): Promise<AggregateRow[]> {
    const rows = await this.rows(aggregateSql(this.addr.database, spec, this.floorNs), 'aggregate');
    const k = spec.groupBy.length;
    return rows.map((r) => {
      const bucket = String(r[k]);
      const flows = Number(r[k + 1]);
      const v = r[k + 2];
      return {
        key: r.slice(0, k).map(String),
        bucket: bucket === TOTAL_BUCKET || !spec.step ? undefined : Number(bucket),
        flows,
        // As DuckDB: no value when nothing was counted (an empty whole-store total) or no latency.
        value: v === null || v === undefined || (k === 0 && !spec.step && flows === 0) ? NaN : Number(v),
      };
    });
  }

  async graph(spec: GraphSpec): Promise<GraphRow[]> {
    const rows = await this.rows(graphSql(this.addr.database, spec, this.floorNs), 'graph');
    const e = GRAPH_EP_COLS;
    return rows.map((r) => {
      const c = Object.fromEntries(GRAPH_CODES.map((d, i) => [d, String(r[2 * e + 1 + i])])) as Record<
        (typeof GRAPH_CODES)[number],
        string
      >;
      const n = 2 * e + 1 + GRAPH_CODES.length;
      return {
        src: r.slice(0, e).map(String),
        dst: r.slice(e, 2 * e).map(String),
        protocol: c.protocol,
        port: Number(r[2 * e]),
        verdict: c.verdict,
        dropReason: c.drop_reason,
        l7: l7Class(c.l7_protocol, c.http_status, c.dns_rcode, c.kafka_error),
        flows: Number(r[n]),
        first: Number(r[n + 1]),
        last: Number(r[n + 2]),
      };
    });
  }

  private async bytes(): Promise<number> {
    const [r] = await this.rows(bytesSql(this.addr.database), 'size');
    return Number(r?.[0] ?? 0);
  }

  private async count(conds: string[]): Promise<number> {
    const [r] = await this.rows(countSql(this.addr.database, conds), 'count');
    return Number(r[0]);
  }

  private async dropDay(day: string): Promise<void> {
    for (const t of DAY_TABLES)
      await this.command(dropPartitionSql(this.addr.database, t, day), 'drop partition');
  }

  private async waitMutations(): Promise<void> {
    const until = Date.now() + 120_000;
    for (;;) {
      const [r] = await this.rows(pendingMutationsSql(this.addr.database), 'mutation status');
      if (Number(r[0]) === 0) return;
      if (Date.now() > until) throw new StoreError('STORE_IO', 'ClickHouse mutation did not finish in 120 s');
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /**
   * Retention. By age (relative to the newest stored flow, as in the DuckDB store): the floor
   * moves up to the cutoff second, so older flows vanish from every answer at once, and whole
   * days below it are dropped (DROP PARTITION, cheap). The day holding the cutoff keeps its
   * expired rows on disk until it is wholly expired (at most one day of extra disk). By size:
   * whole oldest days are dropped while that is enough; within one day the oldest flows are
   * deleted by seq (a mutation, which rewrites that day's parts).
   */
  retain(): Promise<RetentionResult> {
    if (this.closed) return Promise.reject(new StoreError('STORE_CLOSED', 'store closed'));
    this.retaining ??= this.runRetention().finally(() => (this.retaining = undefined));
    return this.retaining;
  }

  private async runRetention(): Promise<RetentionResult> {
    const db = this.addr.database;
    const bytesBefore = await this.bytes();
    let deleted = 0;
    await this.syncCounts();
    if (this.options.maxAgeMs > 0 && this.newestNs) {
      const newest = nsToKey(this.newestNs).secs;
      const cutoff = Math.floor(newest - this.options.maxAgeMs / 1000);
      if (newest > 0 && cutoff > 0) {
        const floor = `${cutoff}000000000`;
        if (cmpNs(floor, this.floorNs) > 0) {
          deleted += await this.count([`time_ns >= ${uint(this.floorNs)}`, `time_ns < ${uint(floor)}`]);
          this.floorNs = floor;
          await this.writeMeta('floor', floor);
        }
        const cutDay = Math.floor(cutoff / 86400);
        for (const [p] of await this.rows(partitionsSql(db), 'partitions')) {
          const day = partitionDay(String(p));
          if (day !== undefined && Date.parse(day) / 86_400_000 < cutDay) await this.dropDay(day);
        }
        this.encoder.forgetBefore(cutDay);
      }
    }
    for (let pass = 0; this.options.maxBytes > 0 && pass < 6; pass++) {
      const bytes = await this.bytes();
      if (bytes <= this.options.maxBytes) break;
      await this.syncCounts();
      if (this.flows === 0) break;
      const lo = this.minSeq;
      const hi = this.nextSeq - 1;
      const frac = Math.min(0.5, (bytes - 0.9 * this.options.maxBytes) / bytes);
      const cut = Math.ceil(lo + frac * (hi - lo + 1));
      // Whole days entirely below the cut go by DROP PARTITION; the rest by a mutation.
      const days = (await this.rows(partitionsSql(db), 'partitions'))
        .map((r) => partitionDay(String(r[0])))
        .filter((d): d is string => d !== undefined);
      let dropped = false;
      for (const day of days.slice(0, -1)) {
        const start = Date.parse(day) / 1000;
        const [r] = await this.rows(
          `SELECT toString(max(seq)), count() FROM ${ident(db)}.flows WHERE time >= toDateTime(${start}) AND time < toDateTime(${start + 86400})`,
          'partition range',
        );
        if (Number(r[1]) > 0 && Number(r[0]) >= cut) break;
        deleted += await this.count([
          `time >= toDateTime(${start})`,
          `time < toDateTime(${start + 86400})`,
          `time_ns >= ${uint(this.floorNs)}`,
        ]);
        await this.dropDay(day);
        this.encoder.forgetBefore(Date.parse(day) / 86_400_000 + 1);
        dropped = true;
      }
      if (!dropped) {
        deleted += await this.count([`seq < ${cut}`, `time_ns >= ${uint(this.floorNs)}`]);
        await this.command(deleteBelowSeqSql(db, cut), 'delete');
        await this.waitMutations();
      }
    }
    await this.syncCounts();
    this.expiredFlows += deleted;
    return { deletedFlows: deleted, bytesBefore, bytesAfter: await this.bytes() };
  }

  async stats(): Promise<HistoryStats> {
    if (this.closed) throw new StoreError('STORE_CLOSED', 'store closed');
    const bytes = await this.bytes();
    const t = (ns: string | undefined): string | undefined => (ns ? formatTimeKey(nsToKey(ns)) : undefined);
    return {
      flows: this.flows,
      bytes,
      fileBytes: bytes,
      oldest: this.flows ? t(this.oldestNs) : undefined,
      newest: this.flows ? t(this.newestNs) : undefined,
      nextSeq: this.nextSeq,
      droppedBatches: this.droppedBatches + this.failedBatches,
      droppedFlows: this.droppedFlows,
      expiredFlows: this.expiredFlows,
      committedFlows: this.committedFlows,
      failedBatches: this.failedBatches,
      lastError: this.lastError,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.chain;
    await this.retaining?.catch(() => undefined);
    try {
      await this.writeMark(true);
    } finally {
      await this.encoder.close();
      await this.client.close();
    }
  }
}

/** 'YYYY-MM-DD' of a partition as system.parts shows it (quoted or not), else undefined. */
export function partitionDay(p: string): string | undefined {
  const m = /^'?(\d{4}-\d{2}-\d{2})'?$/.exec(p.trim());
  return m ? m[1] : undefined;
}

function errText(e: unknown): string {
  const s = e instanceof Error ? e.message : String(e);
  // 18.16 messages: "Code: 60, e.displayText() = DB::Exception: ..., e.what() = DB::Exception".
  return s
    .replace(/, e\.what\(\) = DB::Exception\s*$/, '')
    .trim()
    .split('\n')[0];
}
