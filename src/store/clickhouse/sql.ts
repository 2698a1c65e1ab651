/**
 * Schema and SQL of the ClickHouse history store (pure string building, unit-tested without a
 * server). Written against the subset that ClickHouse 18.16 (Debian's package) understands, which
 * current releases still accept: UInt64 nanoseconds plus a MATERIALIZED DateTime, Enum8/String,
 * PARTITION BY toDate(time), no query parameters (18.16 rejects them: every literal is built here
 * with `lit`/`int`), no GROUPING SETS, no TTL.
 *
 * Layout (see docs/store.md): `flows` holds one row per flow with the scalar columns the DuckDB
 * store keeps (seq, time, flags, uuid, ports, latency), the content-hash ids of the four
 * fragments, and every aggregate dimension as its own column (the DuckDB store's code columns and
 * endpoint joins, flattened), so aggregates and the service map need no join. The fragments
 * themselves (their JSON, from which full flows are rebuilt) live in `endpoints`, `l7s` and
 * `rests`, partitioned by the day of the flows that use them: dropping a day's partitions drops
 * its flows and their fragments together.
 */
import type { Dimension } from '../../server/http/contract.js';
import { DIMENSIONS, L7_ATTRS, REST_ATTRS } from '../dims.js';
import { F_FLOW, F_LATENCY } from '../flow-split.js';
import type { AggregateSpec, DimensionAlternatives, DimensionFilter, GraphSpec } from '../history-store.js';
import type { TimeKey } from '../time-key.js';

/** A ClickHouse string literal: `'` quoted, with `\` and `'` (and NUL) backslash-escaped. */
export function lit(s: string): string {
  if (typeof s !== 'string') throw new TypeError(`not a string: ${String(s)}`);
  return `'${s.replace(/[\\'\0]/g, (c) => (c === '\0' ? '\\0' : `\\${c}`))}'`;
}

/** A safe integer literal (throws for anything else). */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${String(n)}`);
  return String(n);
}

/** An unsigned decimal literal given as text (UInt64 values travel as strings). */
export function uint(s: string): string {
  if (!/^(0|[1-9]\d{0,19})$/.test(s)) throw new Error(`not an unsigned integer: ${s}`);
  return s;
}

/** Database names accepted (validated once, then quoted with backticks). */
export const DATABASE_RE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A quoted identifier of a validated name. */
export function ident(name: string): string {
  if (!DATABASE_RE.test(name)) throw new Error(`invalid identifier: ${name}`);
  return `\`${name}\``;
}

/** One escaped TabSeparated field (ClickHouse's TSV escaping). */
export function tsv(s: string): string {
  return s.replace(/[\\\t\n\r\0]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\0',
  );
}

/** Nanoseconds since the epoch of a time key, as UInt64 text (clamped to the UInt64 range). */
export function timeNs(t: TimeKey): string {
  if (t.secs < 0) return '0';
  const secs = Math.min(t.secs, 18_446_744_072);
  return secs === 0 ? String(t.nanos) : `${secs}${String(t.nanos).padStart(9, '0')}`;
}

/** Endpoint columns per side (src_/dst_ prefix). */
export const EP_COLS = ['namespace', 'workload', 'pod', 'kind', 'label'] as const;
/** Rest- and L7-fragment dimension columns: the attributes of dims.ts, under the same names. */
export const REST_COLS = REST_ATTRS;
export const L7_COLS = L7_ATTRS;

/**
 * Closed value sets stored as Enum8 (the writer produces nothing else: see dims.ts); a filter
 * value outside the set matches nothing (ClickHouse would reject it as a literal).
 */
export const ENUMS: Readonly<Partial<Record<string, readonly string[]>>> = {
  protocol: ['', 'TCP', 'UDP', 'ICMPv4', 'ICMPv6', 'SCTP', 'VRRP', 'IGMP'],
  l7_protocol: ['', 'dns', 'http', 'kafka'],
  is_reply: ['', 'true', 'false'],
};

const enumType = (values: readonly string[]): string =>
  `Enum8(${values.map((v, i) => `${lit(v)} = ${i}`).join(', ')})`;
const dimType = (col: string): string => {
  const e = ENUMS[col];
  return e ? enumType(e) : 'String';
};

/** Columns of `flows` in insert (TSV) order; `time` is MATERIALIZED and not inserted. */
export const FLOW_COLUMNS = [
  'seq',
  'time_ns',
  'flags',
  'uuid',
  'src_id',
  'dst_id',
  'l7_id',
  'rest_id',
  'sport',
  'dport',
  'lat',
  ...EP_COLS.map((c) => `src_${c}`),
  ...EP_COLS.map((c) => `dst_${c}`),
  ...REST_COLS,
  ...L7_COLS,
] as const;

/** The columns a page reads (enough to rebuild a FlowBatch with the fragments). */
export const PAGE_COLUMNS = FLOW_COLUMNS.slice(0, 11);

/** Fragment tables by kind. */
export const FRAGMENT_TABLES = { endpoint: 'endpoints', l7: 'l7s', rest: 'rests' } as const;
/** Every table of the store. */
export const TABLES = ['flows', 'endpoints', 'l7s', 'rests', 'meta'] as const;
/** Tables partitioned by day (dropped together by retention). */
export const DAY_TABLES = ['flows', 'endpoints', 'l7s', 'rests'] as const;

/** DDL (idempotent), database first. */
export function schemaSql(db: string): string[] {
  const d = ident(db);
  const scalar = [
    'seq UInt64',
    'time_ns UInt64',
    'time DateTime MATERIALIZED toDateTime(intDiv(time_ns, 1000000000))',
    'flags UInt8',
    'uuid UUID',
    'src_id UInt64',
    'dst_id UInt64',
    'l7_id UInt64',
    'rest_id UInt64',
    'sport UInt16',
    'dport UInt16',
    'lat UInt32',
  ];
  const dims = FLOW_COLUMNS.slice(11).map((c) => `${c} ${dimType(c.replace(/^(src|dst)_/, ''))}`);
  // Enum columns of the endpoint kind would be tempting, but kind is derived from labels and
  // may grow; String it is (LZ4 makes repeated strings cheap).
  return [
    `CREATE DATABASE IF NOT EXISTS ${d}`,
    `CREATE TABLE IF NOT EXISTS ${d}.flows (${[...scalar, ...dims].join(', ')}) ENGINE = MergeTree PARTITION BY toDate(time) ORDER BY seq`,
    ...Object.values(FRAGMENT_TABLES).map(
      (t) =>
        `CREATE TABLE IF NOT EXISTS ${d}.${t} (day Date, id UInt64, json String) ENGINE = MergeTree PARTITION BY day ORDER BY id`,
    ),
    `CREATE TABLE IF NOT EXISTS ${d}.meta (key String, ver UInt64, value String) ENGINE = ReplacingMergeTree(ver) ORDER BY key`,
  ];
}

/** Conditions on seq and time, plus the retention floor (flows below it are expired). */
export function flowConds(
  q: { since?: TimeKey; until?: TimeKey; fromSeq?: number; toSeq?: number },
  floorNs: string,
  flowsOnly: boolean,
): string[] {
  const c: string[] = [];
  if (flowsOnly) c.push(`bitAnd(flags, ${F_FLOW}) != 0`);
  if (floorNs !== '0') c.push(`time_ns >= ${uint(floorNs)}`);
  if (q.fromSeq !== undefined) c.push(`seq >= ${int(Math.max(0, q.fromSeq))}`);
  if (q.toSeq !== undefined) c.push(q.toSeq <= 0 ? '0' : `seq < ${int(q.toSeq)}`);
  // `time` (whole seconds) prunes partitions; `time_ns` is exact.
  const clampSecs = (s: number): number => Math.min(Math.max(s, 0), 0xffff_ffff);
  if (q.since) {
    c.push(`time >= toDateTime(${int(clampSecs(q.since.secs))})`);
    c.push(`time_ns >= ${timeNs(q.since)}`);
  }
  if (q.until) {
    if (q.until.secs < 0) c.push('0');
    else {
      if (q.until.secs <= 0xffff_ffff) c.push(`time <= toDateTime(${int(q.until.secs)})`);
      c.push(`time_ns <= ${timeNs(q.until)}`);
    }
  }
  return c;
}

const where = (conds: string[]): string => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');

/** The column (or expression) holding a dimension's value as text. */
export function dimExpr(dim: Dimension): string {
  const { source, attr } = DIMENSIONS[dim];
  if (source === 'dport') return `if(dport = 0, '', toString(dport))`;
  const col = source === 'src' || source === 'dst' ? `${source}_${attr}` : attr;
  return ENUMS[attr] ? `toString(${col})` : col;
}

/** Conditions of one dimension filter: every listed dimension must take one of its values. */
function dimConds(f: DimensionFilter | undefined): string[] {
  const out: string[] = [];
  for (const [dim, values] of Object.entries(f ?? {}) as [Dimension, string[] | undefined][]) {
    if (!values) continue;
    if (!Object.prototype.hasOwnProperty.call(DIMENSIONS, dim)) throw new Error(`unknown dimension: ${dim}`);
    const { source, attr } = DIMENSIONS[dim];
    const allowed = source === 'src' || source === 'dst' ? undefined : ENUMS[attr];
    const vals = allowed ? values.filter((v) => allowed.includes(v)) : values;
    if (vals.length === 0) out.push('0');
    else if (allowed) out.push(`${attr} IN (${vals.map(lit).join(', ')})`);
    else out.push(`${dimExpr(dim)} IN (${vals.map(lit).join(', ')})`);
  }
  return out;
}

/**
 * Dimension filters: `where` (every listed dimension takes one of its values), ANDed with one
 * OR over the alternatives of `whereAny` (an empty list passes nothing).
 */
export function filterConds(f: DimensionFilter | undefined, whereAny?: DimensionAlternatives): string[] {
  const out = dimConds(f);
  if (whereAny) {
    const alts = whereAny.map((a) => {
      const c = dimConds(a);
      return c.length ? `(${c.join(' AND ')})` : '1';
    });
    out.push(alts.length ? `(${alts.join(' OR ')})` : '0');
  }
  return out;
}

/** Bucket sentinel of the per-group totals (ClickHouse 18.16 has no GROUPING SETS). */
export const TOTAL_BUCKET = '-1';

const HAS_LAT = `bitAnd(flags, ${F_LATENCY}) != 0`;

/** The measure's SQL value (NaN/null when no flow had a latency). */
function measureExpr(measure: AggregateSpec['measure']): string {
  if (measure === 'latency_mean_ms') return `sumIf(lat, ${HAS_LAT}) / countIf(${HAS_LAT}) / 1e6`;
  if (measure === 'latency_p95_ms') {
    // quantile_cont (what DuckDB and the in-memory aggregator compute): linear interpolation
    // between the closest ranks of the sorted latencies, exact (ClickHouse's quantile() samples).
    const a = `arraySort(groupArrayIf(lat, ${HAS_LAT}))`;
    const n = `length(${a})`;
    const pos = `(${n} - 1) * 0.95`;
    const lo = `toUInt64(floor(${pos})) + 1`;
    const hi = `toUInt64(ceil(${pos})) + 1`;
    return `if(${n} = 0, nan, (toFloat64(${a}[${lo}]) + (toFloat64(${a}[${hi}]) - toFloat64(${a}[${lo}])) * (${pos} - floor(${pos}))) / 1e6)`;
  }
  return 'count()';
}

/**
 * An aggregate: rows (k0.., b, flows, value). With a step, the per-bucket rows (b = bucket start
 * in epoch ms) and the per-group totals (b = -1) come from two SELECTs joined by UNION ALL.
 */
export function aggregateSql(db: string, spec: AggregateSpec, floorNs: string): string {
  const conds = [...flowConds(spec, floorNs, true), ...filterConds(spec.where, spec.whereAny)];
  const keys = spec.groupBy.map((d, i) => `${dimExpr(d)} AS k${i}`);
  const keyRefs = spec.groupBy.map((_, i) => `k${i}`);
  const value = `${measureExpr(spec.measure)} AS value`;
  const from = ` FROM ${ident(db)}.flows${where(conds)}`;
  const group = (cols: string[]): string => (cols.length ? ` GROUP BY ${cols.join(', ')}` : '');
  const totals = `SELECT ${[...keys, `toInt64(${TOTAL_BUCKET}) AS b`, 'count() AS flows', value].join(', ')}${from}${group(keyRefs)}`;
  if (!spec.step) return totals;
  const step = int(spec.step);
  const bucket = `toInt64(intDiv(toUInt32(time), ${step})) * ${int(spec.step * 1000)} AS b`;
  const points = `SELECT ${[...keys, bucket, 'count() AS flows', value].join(', ')}${from}${group([...keyRefs, 'b'])}`;
  return `${totals} UNION ALL ${points}`;
}

/** Columns of a graph row after the two endpoint groups and the port, in order. */
export const GRAPH_CODES = [
  'protocol',
  'verdict',
  'drop_reason',
  'l7_protocol',
  'http_status',
  'dns_rcode',
  'kafka_error',
] as const;
/** Columns per endpoint group in a graph row: kind, namespace, name, pod, label. */
export const GRAPH_EP_COLS = 5;

/**
 * Service-map rows: endpoint groups (5 columns each), port, GRAPH_CODES, flows, first/last ms.
 * Replies (is_reply true) are folded into the edge of the request they answer: their endpoints
 * are swapped and their source port is the service port, as in graph.ts and the DuckDB store.
 * Filters apply to the flow as recorded.
 */
export function graphSql(db: string, spec: GraphSpec, floorNs: string): string {
  const conds = [...flowConds(spec, floorNs, true), ...filterConds(spec.where, spec.whereAny)];
  const name = spec.level === 'pod' ? 'pod' : 'workload';
  const reply = `is_reply = 'true'`;
  const ep = (side: 'src' | 'dst'): string[] =>
    ['kind', 'namespace', name, 'pod', 'label'].map((a) => `${side}_${a}`);
  const swap = (x: string[], y: string[]): string[] => x.map((c, i) => `if(${reply}, ${y[i]}, ${c})`);
  const cols = [
    ...swap(ep('src'), ep('dst')),
    ...swap(ep('dst'), ep('src')),
    `if(${reply}, sport, dport)`,
    ...GRAPH_CODES.map((c) => (ENUMS[c] ? `toString(${c})` : c)),
  ];
  const names = cols.map((_, i) => `x${i}`);
  return `SELECT ${cols.map((c, i) => `${c} AS x${i}`).join(', ')}, count() AS flows, toUInt64(min(toUInt32(time))) * 1000 AS t0, toUInt64(max(toUInt32(time))) * 1000 AS t1 FROM ${ident(db)}.flows${where(conds)} GROUP BY ${names.join(', ')}`;
}

/** One page of flows between two seqs (the caller narrows [lo, hi) so the key prunes). */
export function pageSql(
  db: string,
  q: { lo: number; hi: number; since?: TimeKey; until?: TimeKey; order: 'asc' | 'desc'; limit: number },
  floorNs: string,
): string {
  const conds = [`seq >= ${int(q.lo)}`, `seq < ${int(q.hi)}`, ...flowConds(q, floorNs, false)];
  return `SELECT ${PAGE_COLUMNS.join(', ')} FROM ${ident(db)}.flows${where(conds)} ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${int(q.limit)}`;
}

/** Fragment JSON by id (ids validated as UInt64 text). */
export function fragmentSql(db: string, kind: keyof typeof FRAGMENT_TABLES, ids: string[]): string {
  return `SELECT toString(id), any(json) FROM ${ident(db)}.${FRAGMENT_TABLES[kind]} WHERE id IN (${ids.map(uint).join(', ')}) GROUP BY id`;
}

/** Count, oldest and newest time of the visible flows. */
export function statsSql(db: string, floorNs: string): string {
  return `SELECT count(), toString(min(time_ns)), toString(max(time_ns)), toString(min(seq)), toString(max(seq)) FROM ${ident(db)}.flows${where(flowConds({}, floorNs, false))}`;
}

/** Bytes on disk of the store's active parts. */
export function bytesSql(db: string): string {
  return `SELECT toString(sum(bytes_on_disk)) FROM system.parts WHERE active AND database = ${lit(db)} AND table IN (${TABLES.map(lit).join(', ')})`;
}

/** Partitions (days, 'YYYY-MM-DD') of `flows`, oldest first. */
export function partitionsSql(db: string): string {
  return `SELECT DISTINCT partition FROM system.parts WHERE active AND database = ${lit(db)} AND table = 'flows' ORDER BY partition`;
}

/** Drops one day of a day-partitioned table. */
export function dropPartitionSql(db: string, table: (typeof DAY_TABLES)[number], day: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`invalid partition: ${day}`);
  return `ALTER TABLE ${ident(db)}.${table} DROP PARTITION ${lit(day)}`;
}

/** Visible flows counted in a seq or time range (what a retention step removes). */
export function countSql(db: string, conds: string[]): string {
  return `SELECT count() FROM ${ident(db)}.flows${where(conds)}`;
}

/** Deletes flows below a seq (a mutation; size retention within one day). */
export function deleteBelowSeqSql(db: string, seq: number): string {
  return `ALTER TABLE ${ident(db)}.flows DELETE WHERE seq < ${int(seq)}`;
}

/** Mutations of the store still running. */
export function pendingMutationsSql(db: string): string {
  return `SELECT count() FROM system.mutations WHERE database = ${lit(db)} AND table = 'flows' AND is_done = 0`;
}

/** The meta rows (latest value per key). */
export function metaReadSql(db: string): string {
  return `SELECT key, argMax(value, ver) FROM ${ident(db)}.meta GROUP BY key`;
}
