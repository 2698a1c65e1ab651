/**
 * The exact text of `hubble status` and `hubble list nodes|namespaces`, from the server's
 * responses as they come off the wire (proto field names, uint64 as decimal strings, zero values
 * absent: the shape `decodeMessage` returns).
 *
 * The reference is the project's normative hubble CLI, v0.12.3 (shared/specs/hubble-cli-observe.md):
 * where later versions print something else it is noted as "v1.19:". The layouts were read from
 * upstream's printer, list commands and their tests (cilium/hubble `pkg/printer/printer.go`,
 * `cmd/status/status.go`, `cmd/list/{node,namespaces}.go`), not copied. Go's own formatting rules
 * are reproduced where they matter: `%.2f` rounds an exact half to even, `time.Duration` prints
 * as `1h2m3.5s`, uint64 values stay exact (bigint), text/tabwriter aligns by column blocks.
 *
 * One intended divergence, as in the flow printers (printers/sanitize.ts): control characters in
 * server-supplied strings (node names, versions, addresses, namespaces) are shown as `\xHH` in
 * text output instead of reaching the terminal raw. JSON output is unaffected.
 */
import { sanitize } from '../printers/sanitize.js';
import { tabwrite } from '../printers/tabwriter.js';
import { byteOrder } from '../../util/byte-order.js';

/** ServerStatusResponse as decoded off the wire. */
export interface StatusResponse {
  num_flows?: string;
  max_flows?: string;
  seen_flows?: string;
  uptime_ns?: string;
  num_connected_nodes?: number;
  num_unavailable_nodes?: number;
  unavailable_nodes?: string[];
  version?: string;
  /** Newer than v0.12.3: that CLI neither shows nor writes it (v1.19 does). */
  flows_rate?: number;
}

/** observer.Node as decoded off the wire (`state` is a number when the enum has no name for it). */
export interface NodeResponse {
  name?: string;
  version?: string;
  address?: string;
  state?: string | number;
  tls?: { enabled?: boolean; server_name?: string };
  uptime_ns?: string;
  num_flows?: string;
  max_flows?: string;
  seen_flows?: string;
}

/** observer.Namespace as decoded off the wire. */
export interface NamespaceResponse {
  cluster?: string;
  namespace?: string;
}

/** `hubble status -o` values and the layout each selects. */
export const STATUS_FORMATS: Readonly<Record<string, 'compact' | 'dict' | 'json' | 'table'>> = {
  compact: 'compact',
  dict: 'dict',
  json: 'json',
  JSON: 'json',
  jsonpb: 'json',
  tab: 'table',
  table: 'table',
};
export type StatusFormat = (typeof STATUS_FORMATS)[string];

/** `hubble list -o` values. */
export const LIST_FORMATS = ['json', 'table', 'wide'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

// ---------------------------------------------------------------------------------------------
// Go formatting primitives

const SECOND = 1_000_000_000n;
const MAX_INT64 = (1n << 63n) - 1n;

/** A uint64 field (absent is 0). */
const u64 = (s: string | undefined): bigint => (s ? BigInt(s) : 0n);

/** Go's `time.Duration(u)` of a uint64: the same 64 bits read as a signed value. */
const asDuration = (u: bigint): bigint => BigInt.asIntN(64, u);

/** Go's `Duration.Seconds()`: whole seconds plus the nanosecond remainder, as two float steps. */
function durationSeconds(d: bigint): number {
  return Number(d / SECOND) + Number(d % SECOND) / 1e9;
}

/** Go's `Duration.Round(time.Second)` for d >= 0 (halves round up; saturates at the int64 maximum). */
function roundToSecond(d: bigint): bigint {
  if (d <= 0n) return d; // only ever tested for > 0 afterwards, which rounding cannot change
  const r = d % SECOND;
  if (r + r < SECOND) return d - r;
  const up = d + SECOND - r;
  return up > MAX_INT64 ? MAX_INT64 : up;
}

/** `v / 10^digits` in decimal, fraction without trailing zeros (no point if nothing is left). */
function scaled(v: bigint, digits: number): string {
  if (digits === 0) return v.toString();
  const unit = 10n ** BigInt(digits);
  const frac = (v % unit).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? (v / unit).toString() : `${v / unit}.${frac}`;
}

/**
 * Go's `time.Duration.String()`: `0s`, `750ns`, `1.5µs`, `12ms`, `5m1.515181665s`, `1h0m5s`.
 *
 * @example goDuration(301_515_181_665n) === '5m1.515181665s'
 */
export function goDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const u = d < 0n ? -d : d;
  if (u < SECOND) {
    if (u < 1_000n) return `${sign}${u}ns`;
    if (u < 1_000_000n) return `${sign}${scaled(u, 3)}\u00b5s`; // U+00B5 MICRO SIGN, as Go writes it
    return `${sign}${scaled(u, 6)}ms`;
  }
  const totalSeconds = u / SECOND;
  let text = `${scaled((totalSeconds % 60n) * SECOND + (u % SECOND), 9)}s`;
  const minutes = totalSeconds / 60n;
  if (minutes > 0n) {
    text = `${minutes % 60n}m${text}`;
    const hours = minutes / 60n;
    if (hours > 0n) text = `${hours}h${text}`;
  }
  return sign + text;
}

/**
 * Go's `fmt` `%.<digits>f`. Differs from `toFixed` on an exact half, which Go rounds to the even
 * neighbour (`0.125` → `0.12`, where toFixed gives `0.13`), and never switches to exponent form.
 */
export function goFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e21) return sign + BigInt(a).toString() + (digits > 0 ? '.' + '0'.repeat(digits) : '');
  let s = a.toFixed(digits);
  // An exact half at `digits` places is a value whose a * 2^(digits+1) is an odd integer (the
  // scaling by a power of two is exact). toFixed then took the upper neighbour; when that one
  // ends in an odd digit, the even one is a unit lower, without any carry.
  const k = a * 2 ** (digits + 1);
  if (Number.isInteger(k) && k % 2 === 1) {
    const last = s.charCodeAt(s.length - 1) - 48;
    if (last % 2 === 1) s = s.slice(0, -1) + String(last - 1);
  }
  return sign + s;
}

/**
 * Decimal digits grouped by three with commas (`2348885` → `2,348,885`).
 */
export function groupDigits(n: bigint): string {
  const s = n.toString();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return out;
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/**
 * JSON as hubble's Go code writes a protojson message through encoding/json: proto names in
 * declaration order (the caller builds the objects in that order), HTML-safe escapes
 * (`\u003c`, `\u003e`, `\u0026`, `\u2028`, `\u2029`); `indent` gives json.MarshalIndent's layout.
 */
function goJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    HTML_UNSAFE,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** uint64 fields, whose zero (`'0'`) protojson leaves out like any default. */
const U64_FIELDS = new Set(['num_flows', 'max_flows', 'seen_flows', 'uptime_ns']);

/**
 * Copies the fields of `msg` that protojson writes, in the given (declaration) order: defaults
 * (empty string, false, uint64 zero, empty list) are left out, wrapper values are kept even at 0.
 */
function protoFields(msg: object, keys: readonly string[]): Record<string, unknown> {
  const src = msg as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = src[k];
    if (v === undefined || v === null || v === '' || v === false) continue;
    if ((U64_FIELDS.has(k) && v === '0') || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = v;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// hubble status

/** ServingStatus names (grpc.health.v1); Go prints an unnamed value as its number. */
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/**
 * The line `hubble status` prints first in compact output: the dialled target (a `tls://` prefix
 * removed, as hubble dials without it) and `Ok`, or `Unavailable: <status name>`.
 */
export function healthcheckLine(target: string, servingStatus: number): string {
  const status =
    servingStatus === 1 ? 'Ok' : `Unavailable: ${SERVING_STATUS[servingStatus] ?? String(servingStatus)}`;
  return `Healthcheck (via ${target.replace(/^tls:\/\//, '')}): ${status}\n`;
}

/** The ServerStatusResponse fields v0.12.3 knows, in declaration order (no `flows_rate`). */
const STATUS_FIELDS = [
  'num_flows',
  'max_flows',
  'seen_flows',
  'uptime_ns',
  'num_connected_nodes',
  'num_unavailable_nodes',
  'unavailable_nodes',
  'version',
] as const;

/** The wrapper fields (`num_connected_nodes`...): present even when 0, `N/A` when absent. */
const wrapperText = (v: number | undefined): string => (v === undefined ? 'N/A' : String(v));

/** uptime as hubble's table and dict print it (beyond int64, Go's Duration cannot: `<n>ns`). */
function uptimeText(ns: bigint): string {
  return ns > MAX_INT64 ? `${ns}ns` : goDuration(ns);
}

function statusCompact(s: StatusResponse): string {
  const num = u64(s.num_flows);
  const max = u64(s.max_flows);
  const ratio = max > 0n ? ` (${goFixed((Number(num) / Number(max)) * 100, 2)}%)` : '';
  let out = `Current/Max Flows: ${groupDigits(num)}/${groupDigits(max)}${ratio}\n`;
  // v0.12.3 always derives the rate from seen flows and uptime (v1.19: `flows_rate` when > 0).
  const uptime = durationSeconds(asDuration(u64(s.uptime_ns)));
  out += `Flows/s: ${uptime > 0 ? goFixed(Number(u64(s.seen_flows)) / uptime, 2) : 'N/A'}\n`;
  const connected = s.num_connected_nodes;
  const unavailable = s.num_unavailable_nodes;
  if (connected !== undefined) {
    // uint32 arithmetic, as in Go.
    const total = unavailable !== undefined ? `/${(connected + unavailable) >>> 0}` : '';
    out += `Connected Nodes: ${connected}${total}\n`;
  }
  if (unavailable !== undefined && unavailable > 0) {
    const names = [...(s.unavailable_nodes ?? [])].sort(byteOrder);
    if (names.length > 0) {
      const items = names.map(sanitize);
      if (unavailable > names.length) items.push(`and ${unavailable - names.length} more...`);
      out += `Unavailable Nodes: ${unavailable}\n  - ${items.join('\n  - ')}\n`;
    } else {
      out += `Unavailable Nodes: ${unavailable}\n`;
    }
  }
  return out;
}

/**
 * What `hubble status -o <format>` prints for a ServerStatusResponse, after the health check
 * line (which only compact output has; see {@link healthcheckLine}).
 */
export function renderStatus(s: StatusResponse, format: StatusFormat): string {
  switch (format) {
    case 'compact':
      return statusCompact(s);
    case 'json':
      // encoding/json's Encoder: one line, then a newline.
      return goJson(protoFields(s, STATUS_FIELDS)) + '\n';
    case 'dict':
      return [
        `          NUM FLOWS: ${groupDigits(u64(s.num_flows))}`,
        `          MAX FLOWS: ${groupDigits(u64(s.max_flows))}`,
        `         SEEN FLOWS: ${groupDigits(u64(s.seen_flows))}`,
        `             UPTIME: ${uptimeText(u64(s.uptime_ns))}`,
        `NUM CONNECTED NODES: ${wrapperText(s.num_connected_nodes)}`,
        ` NUM UNAVAIL. NODES: ${wrapperText(s.num_unavailable_nodes)}`,
        `            VERSION: ${sanitize(s.version ?? '')}`,
        '',
      ].join('\n');
    case 'table':
      return tabwrite([
        [
          'NUM FLOWS',
          'MAX FLOWS',
          'SEEN FLOWS',
          'UPTIME',
          'NUM CONNECTED NODES',
          'NUM UNAVAILABLE NODES',
          'VERSION',
        ],
        [
          groupDigits(u64(s.num_flows)),
          groupDigits(u64(s.max_flows)),
          groupDigits(u64(s.seen_flows)),
          uptimeText(u64(s.uptime_ns)),
          wrapperText(s.num_connected_nodes),
          wrapperText(s.num_unavailable_nodes),
          sanitize(s.version ?? ''),
        ],
      ]);
  }
}

// ---------------------------------------------------------------------------------------------
// hubble list nodes / namespaces

const NODE_FIELDS = [
  'name',
  'version',
  'address',
  'state',
  'tls',
  'uptime_ns',
  'num_flows',
  'max_flows',
  'seen_flows',
] as const;

/** hubble's state words, title-cased; anything else (UNKNOWN_NODE_STATE, unnamed values) is Unknown. */
const NODE_STATES: Readonly<Record<string, string>> = {
  NODE_CONNECTED: 'Connected',
  NODE_UNAVAILABLE: 'Unavailable',
  NODE_GONE: 'Gone',
  NODE_ERROR: 'Error',
};

function nodeJson(n: NodeResponse): Record<string, unknown> {
  const o = protoFields(n, NODE_FIELDS);
  if (o.state === 'UNKNOWN_NODE_STATE' || o.state === 0) delete o.state;
  // A TLS message that is set is written even when empty (`"tls": {}`).
  if (n.tls) o.tls = protoFields(n.tls, ['enabled', 'server_name']);
  return o;
}

function nodeRow(n: NodeResponse, wide: boolean): string[] {
  // AGE and FLOWS/S use the uptime rounded to the second (FLOWS/S divides by the rounded value).
  const uptime = roundToSecond(asDuration(u64(n.uptime_ns)));
  const num = u64(n.num_flows);
  const max = u64(n.max_flows);
  const row = [
    sanitize(n.name ?? ''),
    NODE_STATES[String(n.state)] ?? 'Unknown',
    uptime > 0n ? goDuration(uptime) : 'N/A',
    uptime > 0n ? goFixed(Number(u64(n.seen_flows)) / durationSeconds(uptime), 2) : 'N/A',
    // `%d/%d (%6.2f%%)`: no digit grouping here, unlike hubble status.
    max > 0n ? `${num}/${max} (${goFixed((Number(num) / Number(max)) * 100, 2).padStart(6)}%)` : 'N/A',
  ];
  if (wide)
    row.push(
      n.version ? sanitize(n.version) : 'N/A',
      sanitize(n.address ?? ''),
      n.tls ? (n.tls.enabled ? 'Enabled' : 'Disabled') : 'N/A',
    );
  return row;
}

/**
 * What `hubble list nodes -o <output>` prints: nodes sorted by name (byte order); a table
 * (`wide` adds VERSION, ADDRESS, TLS) or an indented JSON array (`null` when there are none).
 */
export function renderNodes(nodes: readonly NodeResponse[], output: ListFormat): string {
  const sorted = [...nodes].sort((a, b) => byteOrder(a.name ?? '', b.name ?? ''));
  if (output === 'json') return goJson(sorted.length > 0 ? sorted.map(nodeJson) : null, 2) + '\n';
  const wide = output === 'wide';
  const head = ['NAME', 'STATUS', 'AGE', 'FLOWS/S', 'CURRENT/MAX-FLOWS'];
  if (wide) head.push('VERSION', 'ADDRESS', 'TLS');
  return tabwrite([head, ...sorted.map((n) => nodeRow(n, wide))]);
}

/**
 * What `hubble list namespaces -o <output>` prints, in the server's order: NAMESPACE, and with
 * `wide` a CLUSTER column whose cell is left out (not blank) when the cluster is empty.
 */
export function renderNamespaces(namespaces: readonly NamespaceResponse[], output: ListFormat): string {
  if (output === 'json')
    return (
      goJson(
        namespaces.length > 0 ? namespaces.map((n) => protoFields(n, ['cluster', 'namespace'])) : null,
        2,
      ) + '\n'
    );
  const wide = output === 'wide';
  return tabwrite([
    wide ? ['NAMESPACE', 'CLUSTER'] : ['NAMESPACE'],
    ...namespaces.map((n) => {
      const row = [sanitize(n.namespace ?? '')];
      if (wide && n.cluster) row.push(sanitize(n.cluster));
      return row;
    }),
  ]);
}
