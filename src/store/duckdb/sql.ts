/**
 * Schema and SQL of the DuckDB history store (pure string building; every identifier comes
 * from fixed tables here, every value is a number or an escaped literal).
 *
 * `flows` holds one narrow row of integers per flow (about 36 B on disk per flow); dimension
 * values live once per fragment in `endpoints`, `l7s` and `rests`, whose attribute columns are
 * named after the API's dimensions. Aggregates first group the narrow rows by fragment ids, then
 * join the (small) grouped result with the fragment tables and regroup by the values.
 */
import type { Dimension } from '../../server/http/contract.js';
import { DIMENSIONS, ENDPOINT_ATTRS, L7_ATTRS, REST_ATTRS } from '../dims.js';
import { F_FLOW, F_LATENCY } from '../flow-split.js';
import type { AggregateSpec, DimensionFilter, GraphSpec, HistoryPageQuery } from '../history-store.js';
import type { TimeKey } from '../time-key.js';

/**
 * Dimensions also stored per flow as small integer codes (`c_<dim>`, dictionary in `dims`), so
 * grouping and filtering by them needs no join: all rest and L7 attributes. Endpoint dimensions
 * join the (small) endpoints table; the destination port is a column.
 */
export const CODE_DIMS = [...REST_ATTRS, ...L7_ATTRS] as const;
export type CodeDim = (typeof CODE_DIMS)[number];
const CODE_COLS = CODE_DIMS.map((d) => `c_${d}`);

/** Column order of `flows` (the appender writes in this order). */
export const FLOW_COLUMNS = [
  'seq',
  'secs',
  'nanos',
  'flags',
  'u_hi',
  'u_lo',
  'src',
  'dst',
  'l7',
  'rest',
  'sport',
  'dport',
  'lat',
  ...CODE_COLS,
] as const;
/** The narrow columns a page reads. */
const PAGE_COLUMNS = FLOW_COLUMNS.slice(0, 13);

/** Code of a dimension value (undefined when the value never occurred). */
export type CodeOf = (dim: CodeDim, value: string) => number | undefined;

const attrCols = (attrs: readonly string[]): string => attrs.map((a) => `, ${a} VARCHAR`).join('');

/** DDL (idempotent). */
export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS flows(seq BIGINT, secs UINTEGER, nanos UINTEGER, flags UTINYINT, u_hi UBIGINT, u_lo UBIGINT,
     src UINTEGER, dst UINTEGER, l7 UINTEGER, rest UINTEGER, sport USMALLINT, dport USMALLINT, lat UINTEGER${CODE_COLS.map((c) => `, ${c} UINTEGER`).join('')})`,
  `CREATE TABLE IF NOT EXISTS dims(dim VARCHAR, code UINTEGER, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS endpoints(id UINTEGER, json VARCHAR${attrCols(ENDPOINT_ATTRS)})`,
  `CREATE TABLE IF NOT EXISTS l7s(id UINTEGER, json VARCHAR${attrCols(L7_ATTRS)})`,
  `CREATE TABLE IF NOT EXISTS rests(id UINTEGER, json VARCHAR${attrCols(REST_ATTRS)})`,
  `CREATE TABLE IF NOT EXISTS rollup(m UINTEGER, src UINTEGER, dst UINTEGER, port USMALLINT${CODE_COLS.map((c) => `, ${c} UINTEGER`).join('')},
     c UBIGINT, ls UBIGINT, lc UBIGINT, t0 UINTEGER, t1 UINTEGER, s1 BIGINT)`,
];

/**
 * The per-minute rollup (`rollup`): flows (F_FLOW rows only) counted per minute `m` (its start,
 * epoch seconds), source and destination endpoint id, service port (the source port of a reply,
 * else the destination port, as the service map keys edges) and every code column, with the
 * latency sum `ls` and count `lc`, the first/last second `t0`/`t1` and the newest seq `s1`.
 * Several rows may share a key (one per write batch until compaction merges them); readers sum.
 * It holds exactly the flows of `flows`: every batch adds its rows in the batch's transaction,
 * retention deletes and rebuilds the rows of the minutes it touches, and a store opened with
 * flows beyond `max(s1)` (written before the rollup existed, or grown in SQL) adds theirs at open.
 */
export const ROLLUP_KEYS = ['m', 'src', 'dst', 'port', ...CODE_COLS] as const;
const ROLLUP_VALUES = ['c', 'ls', 'lc', 't0', 't1', 's1'] as const;

/** The reply test on flows f: is_reply is 'true' (false when no flow ever was a reply). */
function replyCond(codeOf: CodeOf): string {
  const code = codeOf('is_reply', 'true');
  return code === undefined ? 'false' : `f.c_is_reply = ${int(code)}`;
}

/** INSERT of rollup rows built from the flows matching `conds` (on flows f). */
export function rollupInsertSql(conds: string[], codeOf: CodeOf): string {
  const reply = replyCond(codeOf);
  const lat = `(f.flags & ${F_LATENCY}) <> 0`;
  const sel = [
    'f.secs - f.secs % 60',
    'f.src',
    'f.dst',
    `CASE WHEN ${reply} THEN f.sport ELSE f.dport END`,
    ...CODE_COLS.map((c) => `f.${c}`),
    'count(*)',
    `sum(CASE WHEN ${lat} THEN f.lat ELSE 0 END)`,
    `count(*) FILTER (WHERE ${lat})`,
    'min(f.secs)',
    'max(f.secs)',
    'max(f.seq)',
  ];
  return `INSERT INTO rollup (${[...ROLLUP_KEYS, ...ROLLUP_VALUES].join(', ')}) SELECT ${sel.join(', ')} FROM flows f${where([`(f.flags & ${F_FLOW}) <> 0`, ...conds])} GROUP BY ALL`;
}

/**
 * Which part of a query's window the rollup answers: the whole minutes [lo, hi) (epoch seconds;
 * hi undefined = no end), and the ragged edges left to raw rows, as windows of their own.
 */
export interface RollupSplit {
  lo: number;
  hi?: number;
  edges: RawWindow[];
  /**
   * The table holds the flows with seq below this; the rest of [lo, hi) comes from the flow
   * rows (set by the reader, from `max(s1)` in the query's snapshot).
   */
  tailFrom?: number;
}

/** A part of a query answered from the flow rows. */
interface RawWindow {
  since?: TimeKey;
  until?: TimeKey;
  fromSeq?: number;
}

/** The raw parts of a split: its ragged edges, and the flows of [lo, hi) not in the table. */
function rawWindows(split: RollupSplit, toSeq: number | undefined): RawWindow[] {
  const out = [...split.edges];
  if (split.tailFrom !== undefined && (toSeq === undefined || split.tailFrom < toSeq))
    out.push({
      since: { secs: split.lo, nanos: 0 },
      until: split.hi === undefined ? undefined : { secs: split.hi - 1, nanos: 999_999_999 },
      fromSeq: split.tailFrom,
    });
  return out;
}

/** Dimensions the rollup cannot answer: the destination port (replies keep only the service port). */
const NOT_ROLLED_UP: ReadonlySet<Dimension> = new Set<Dimension>(['destination_port']);

/**
 * The rollup's share of a query, or undefined when it cannot answer any of it: a filter or group
 * on a dimension it lacks, a bucket width that is not a whole number of minutes, or a window
 * without a whole minute.
 */
export function rollupSplit(spec: {
  groupBy?: Dimension[];
  step?: number;
  since?: TimeKey;
  until?: TimeKey;
  where?: DimensionFilter;
  whereAny?: DimensionFilter[];
}): RollupSplit | undefined {
  if ([...(spec.groupBy ?? []), ...filterDims(spec)].some((d) => NOT_ROLLED_UP.has(d))) return undefined;
  if (spec.step !== undefined && spec.step % 60 !== 0) return undefined;
  const { since, until } = spec;
  // First whole minute starting at or after `since`; end of the last one ending by `until`.
  const lo = since ? Math.ceil((since.secs + (since.nanos > 0 ? 1 : 0)) / 60) * 60 : 0;
  const hi = until ? Math.floor((until.secs + (until.nanos === 999_999_999 ? 1 : 0)) / 60) * 60 : undefined;
  if (hi !== undefined && lo >= hi) return undefined;
  const edges: RollupSplit['edges'] = [];
  if (since && (since.secs < lo || since.nanos > 0))
    edges.push({ since, until: { secs: lo - 1, nanos: 999_999_999 } });
  if (until && hi !== undefined && until.secs >= hi) edges.push({ since: { secs: hi, nanos: 0 }, until });
  return { lo, hi, edges };
}

/** Conditions on rollup rows (alias f) of minutes [lo, hi). */
function rollupConds(split: RollupSplit): string[] {
  const c = [`f.m >= ${int(split.lo)}`];
  if (split.hi !== undefined) c.push(`f.m < ${int(split.hi)}`);
  return c;
}

/** Fragment tables by kind, with their attribute columns. */
export const FRAGMENT_TABLES = {
  endpoint: { table: 'endpoints', attrs: ENDPOINT_ATTRS },
  l7: { table: 'l7s', attrs: L7_ATTRS },
  rest: { table: 'rests', attrs: REST_ATTRS },
} as const;

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const int = (n: number): string => {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return String(n);
};

/** Conditions on the narrow `flows` rows (alias f). */
export function flowConds(
  q: { since?: TimeKey; until?: TimeKey; fromSeq?: number; toSeq?: number },
  flowsOnly: boolean,
): string[] {
  const c: string[] = [];
  if (flowsOnly) c.push(`(f.flags & ${F_FLOW}) <> 0`);
  if (q.fromSeq !== undefined) c.push(`f.seq >= ${int(q.fromSeq)}`);
  if (q.toSeq !== undefined) c.push(`f.seq < ${int(q.toSeq)}`);
  if (q.since)
    c.push(
      `(f.secs > ${int(q.since.secs)} OR (f.secs = ${int(q.since.secs)} AND f.nanos >= ${int(q.since.nanos)}))`,
    );
  if (q.until)
    c.push(
      `(f.secs < ${int(q.until.secs)} OR (f.secs = ${int(q.until.secs)} AND f.nanos <= ${int(q.until.nanos)}))`,
    );
  return c;
}

const where = (conds: string[]): string => (conds.length ? ` WHERE ${conds.join(' AND ')}` : '');

/** One page of narrow rows. */
export function pageSql(q: HistoryPageQuery): string {
  return `SELECT ${PAGE_COLUMNS.join(', ')} FROM flows f${where(flowConds(q, false))} ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT ${int(q.limit)}`;
}

const JOIN = {
  src: 'LEFT JOIN endpoints s ON s.id = g.src',
  dst: 'LEFT JOIN endpoints d ON d.id = g.dst',
} as const;

const isCode = (dim: Dimension): dim is Dimension & CodeDim => (CODE_DIMS as readonly string[]).includes(dim);

/**
 * SQL value of a dimension over the grouped rows g: the code column for coded dimensions (the
 * reader turns codes back into values), endpoint attributes through the joined endpoints.
 */
function dimExpr(dim: Dimension): string {
  const { source, attr } = DIMENSIONS[dim];
  if (isCode(dim)) return `g.c_${dim}`;
  if (source === 'dport') return `CASE WHEN g.dport = 0 THEN '' ELSE CAST(g.dport AS VARCHAR) END`;
  return `coalesce(${source === 'src' ? 's' : 'd'}.${attr}, '')`;
}

/** Columns of flows the inner query keeps for these dimensions, and the joins they need. */
function plan(dims: Iterable<Dimension>): { cols: Set<string>; joins: Set<string> } {
  const cols = new Set<string>();
  const joins = new Set<string>();
  for (const d of dims) {
    const s = DIMENSIONS[d].source;
    if (isCode(d)) cols.add(`c_${d}`);
    else if (s === 'dport') cols.add('dport');
    else {
      cols.add(s);
      joins.add(JOIN[s as 'src' | 'dst']);
    }
  }
  return { cols, joins };
}

type Filters = Pick<AggregateSpec, 'where' | 'whereAny'>;

/** Dimensions a query's filters name (`where` and every alternative of `whereAny`). */
function filterDims(f: Filters): Dimension[] {
  return [f.where ?? {}, ...(f.whereAny ?? [])].flatMap((w) => Object.keys(w) as Dimension[]);
}

/** One condition per filtered dimension; coded ones on `alias`.c_<dim> (inner f, or outer g). */
function dimConds(f: DimensionFilter, codeOf: CodeOf, alias: 'f' | 'g'): { code: string[]; other: string[] } {
  const code: string[] = [];
  const other: string[] = [];
  for (const [dim, values] of Object.entries(f) as [Dimension, string[] | undefined][]) {
    if (!values) continue;
    if (isCode(dim)) {
      const codes = values.map((v) => codeOf(dim, v)).filter((c): c is number => c !== undefined);
      code.push(codes.length ? `${alias}.c_${dim} IN (${codes.join(', ')})` : 'false');
    } else other.push(values.length ? `${dimExpr(dim)} IN (${values.map(lit).join(', ')})` : 'false');
  }
  return { code, other };
}

const and = (c: string[]): string => (c.length ? `(${c.join(' AND ')})` : 'true');

/**
 * Filters on coded dimensions (inner, on f) and on the others (outer, on g and the joins).
 * `whereAny` becomes one OR: inner when its alternatives name coded dimensions only, outer
 * (over the grouped code columns and the joined endpoints) otherwise.
 */
function filterConds(f: Filters, codeOf: CodeOf): { inner: string[]; outer: string[] } {
  const w = dimConds(f.where ?? {}, codeOf, 'f');
  const inner = [...w.code];
  const outer = [...w.other];
  if (f.whereAny) {
    const codedOnly = filterDims({ whereAny: f.whereAny }).every(isCode);
    const alias = codedOnly ? 'f' : 'g';
    const alts = f.whereAny.map((a) => {
      const c = dimConds(a, codeOf, alias);
      return and([...c.code, ...c.other]);
    });
    const any = alts.length ? `(${alts.join(' OR ')})` : 'false';
    (codedOnly ? inner : outer).push(any);
  }
  return { inner, outer };
}

/**
 * An aggregate: rows (k0.., b, flows, value), b NULL on the per-group totals when a step is
 * given; coded keys come back as codes. The inner query groups the narrow rows by code columns,
 * endpoint ids, port and bucket; the outer one joins endpoints and regroups. The p95 needs the
 * raw latencies, so it keeps them instead of pre-grouping.
 *
 * With `split` (see rollupSplit), the inner query is a UNION ALL of the rollup rows of the whole
 * minutes and the raw rows of the ragged edges, pre-grouped the same way, so the outer query is
 * unchanged. The p95 then takes its counts from those parts and its latencies from the raw rows
 * that carry one (the whole window: exact, as quantile_cont over the same values).
 */
export function aggregateSql(spec: AggregateSpec, codeOf: CodeOf, split?: RollupSplit): string {
  const pl = plan([...spec.groupBy, ...filterDims(spec)]);
  const cols = [...pl.cols].map((c) => `f.${c}`);
  // Bucket index in the inner query (cheap integer division); start in ms in the outer one.
  const bucketOf = (t: string): string | undefined => (spec.step ? `${t} // ${int(spec.step)}` : undefined);
  const bucket = bucketOf('f.secs');
  const fc = filterConds(spec, codeOf);
  const conds = [...flowConds(spec, true), ...fc.inner];
  const keys = spec.groupBy.map((d, i) => `${dimExpr(d)} AS k${i}`);
  const keyRefs = spec.groupBy.map((_, i) => `k${i}`);
  const sets = bucket
    ? `GROUPING SETS ((${[...keyRefs, 'b'].join(', ')}), (${keyRefs.join(', ')}))`
    : keyRefs.join(', ');
  const groupBy = bucket || keyRefs.length ? ` GROUP BY ${sets}` : '';
  const outerWhere = where(fc.outer);
  const joins = [...pl.joins].join(' ');
  const outerB = bucket ? `g.b::BIGINT * ${int(spec.step! * 1000)} AS b` : 'NULL AS b';
  const innerGroup = cols.length || bucket ? ' GROUP BY ALL' : '';
  const latFlag = `(f.flags & ${F_LATENCY}) <> 0`;
  /** Pre-grouped counts (and latency sums) of the raw rows of a window, and of the rollup. */
  const rawPart = (w: RawWindow, lat: boolean): string => {
    const sel = [...cols, bucket ? `${bucket} AS b` : undefined, 'count(*) AS c'];
    if (lat)
      sel.push(
        `sum(CASE WHEN ${latFlag} THEN f.lat ELSE 0 END) AS ls, count(*) FILTER (WHERE ${latFlag}) AS lc`,
      );
    const c = [...flowConds({ ...w, toSeq: spec.toSeq }, true), ...fc.inner];
    return `SELECT ${sel.filter(Boolean).join(', ')} FROM flows f${where(c)}${innerGroup}`;
  };
  const rollupPart = (sp: RollupSplit, lat: boolean): string => {
    const b = bucketOf('f.m');
    const sel = [...cols, b ? `${b} AS b` : undefined, 'coalesce(sum(f.c), 0) AS c'];
    if (lat) sel.push('sum(f.ls) AS ls, coalesce(sum(f.lc), 0) AS lc');
    return `SELECT ${sel.filter(Boolean).join(', ')} FROM rollup f${where([...rollupConds(sp), ...fc.inner])}${innerGroup}`;
  };
  const countParts = (sp: RollupSplit, lat: boolean): string[] => [
    rollupPart(sp, lat),
    ...rawWindows(sp, spec.toSeq).map((e) => rawPart(e, lat)),
  ];
  if (spec.measure === 'latency_p95_ms') {
    if (split) {
      const latRows = `SELECT ${[...cols, bucket ? `${bucket} AS b` : undefined, '0 AS c', 'f.lat'].filter(Boolean).join(', ')} FROM flows f${where([...conds, latFlag])}`;
      const counts = countParts(split, false).map((q) => `SELECT *, NULL::UINTEGER AS lat FROM (${q})`);
      const inner = [...counts, latRows].join(' UNION ALL BY NAME ');
      return `SELECT ${[...keys, outerB, 'sum(g.c) AS flows', 'quantile_cont(g.lat, 0.95) / 1e6 AS value'].join(', ')} FROM (${inner}) g ${joins}${outerWhere}${groupBy}`;
    }
    const inner = `SELECT ${[...cols, bucket ? `${bucket} AS b` : undefined, 'f.flags', 'f.lat'].filter(Boolean).join(', ')} FROM flows f${where(conds)}`;
    const value = `quantile_cont(g.lat, 0.95) FILTER (WHERE (g.flags & ${F_LATENCY}) <> 0) / 1e6`;
    return `SELECT ${[...keys, outerB, 'count(*) AS flows', `${value} AS value`].join(', ')} FROM (${inner}) g ${joins}${outerWhere}${groupBy}`;
  }
  const mean = spec.measure === 'latency_mean_ms';
  const inner = split
    ? countParts(split, mean).join(' UNION ALL BY NAME ')
    : rawPart({ since: spec.since, until: spec.until }, mean);
  const value = mean ? 'sum(g.ls) / nullif(sum(g.lc), 0) / 1e6' : 'sum(g.c)';
  return `SELECT ${[...keys, outerB, 'sum(g.c) AS flows', `${value} AS value`].join(', ')} FROM (${inner}) g ${joins}${outerWhere}${groupBy}`;
}

/** Coded columns of a graph row, in order (after the two endpoint groups and the port). */
export const GRAPH_CODES = [
  'protocol',
  'verdict',
  'drop_reason',
  'l7_protocol',
  'http_status',
  'dns_rcode',
  'kafka_error',
] as const;

/**
 * Service-map rows: endpoint groups, port, then the GRAPH_CODES codes, flows, first/last ms.
 * Replies (is_reply true) are folded into the edge of the request they answer: their endpoints
 * are swapped and their source port is the service port (see graph.ts). Filters still apply to
 * the flow as recorded, so the joins on the original src/dst stay and only the output swaps.
 */
export function graphSql(spec: GraphSpec, codeOf: CodeOf, split?: RollupSplit): string {
  const fc = filterConds(spec, codeOf);
  const pl = plan(filterDims(spec));
  const codeCols = GRAPH_CODES.map((c) => `f.c_${c}`);
  const extra = [...pl.cols]
    .filter((c) => c.startsWith('c_') && !GRAPH_CODES.includes(c.slice(2) as never))
    .map((c) => `f.${c}`);
  // A destination-port filter reads g.dport (the flow's own), so keep it only when asked.
  if (pl.cols.has('dport')) extra.push('f.dport');
  const reply = replyCond(codeOf);
  const name = spec.level === 'pod' ? 'pod' : 'workload';
  const ep = (a: string): string[] => [
    `coalesce(${a}.kind, 'unknown')`,
    `coalesce(${a}.namespace, '')`,
    `coalesce(${a}.${name}, '')`,
    `coalesce(${a}.pod, '')`,
    `coalesce(${a}.label, '')`,
  ];
  const swap = (x: string[], y: string[]): string[] =>
    x.map((c, i) => `CASE WHEN g.r THEN ${y[i]} ELSE ${c} END`);
  const rawPart = (w: RawWindow): string =>
    `SELECT f.src, f.dst, (${reply}) AS r, CASE WHEN ${reply} THEN f.sport ELSE f.dport END AS port, ` +
    `${[...codeCols, ...extra].join(', ')}, count(*) AS c, min(f.secs) AS t0, max(f.secs) AS t1 ` +
    `FROM flows f${where([...flowConds({ ...w, toSeq: spec.toSeq }, true), ...fc.inner])} GROUP BY ALL`;
  // The rollup keeps the service port (the source port of a reply) in `port`.
  const rollupPart = (sp: RollupSplit): string =>
    `SELECT f.src, f.dst, (${reply}) AS r, f.port AS port, ${[...codeCols, ...extra].join(', ')}, ` +
    `sum(f.c) AS c, min(f.t0) AS t0, max(f.t1) AS t1 FROM rollup f${where([...rollupConds(sp), ...fc.inner])} GROUP BY ALL`;
  const inner = split
    ? [rollupPart(split), ...rawWindows(split, spec.toSeq).map(rawPart)].join(' UNION ALL BY NAME ')
    : rawPart({ since: spec.since, until: spec.until });
  const cols = [
    ...swap(ep('s'), ep('d')),
    ...swap(ep('d'), ep('s')),
    'g.port',
    ...GRAPH_CODES.map((c) => `g.c_${c}`),
  ];
  // First/last are whole seconds (enough for edge rates), in ms.
  return `SELECT ${cols.map((c, i) => `${c} AS x${i}`).join(', ')}, sum(g.c) AS flows, min(g.t0)::BIGINT * 1000 AS t0, max(g.t1)::BIGINT * 1000 AS t1 FROM (${inner}) g ${JOIN.src} ${JOIN.dst}${where(fc.outer)} GROUP BY ALL`;
}

/** Columns of a graph row before `flows, t0, t1` (5 per endpoint, then 8). */
export const GRAPH_EP_COLS = 5;
