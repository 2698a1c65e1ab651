/**
 * Value parsers of hubble's filter flags (v0.12.3): `--type`, `--verdict`, `--tcp-flags`,
 * `--traffic-direction`, `--ip-version`, identities and workloads. Each throws an Error whose
 * message is hubble's reason text (the flag parser adds the `invalid argument ...` prefix).
 */
import { VERDICT_NAMES as FLOW_VERDICT_NAMES, type TCPFlags, type Workload } from '../flow/types.js';
import type { EventTypeFilter } from './types.js';
import { parseGoUint } from './go-strconv.js';

/** Monitor message type names accepted by `--type` (cilium monitor API). */
export const EVENT_TYPE_NAMES: ReadonlyMap<string, number> = new Map([
  ['drop', 1],
  ['debug', 2],
  ['capture', 3],
  ['trace', 4],
  ['policy-verdict', 5],
  ['recorder', 6],
  ['trace-sock', 7],
  ['l7', 129],
  ['agent', 130],
]);

/** Trace observation points (`--type trace:<name>`), v0.12.3 set. */
export const TRACE_SUBTYPES: ReadonlyMap<string, number> = new Map([
  ['to-endpoint', 0],
  ['to-proxy', 1],
  ['to-host', 2],
  ['to-stack', 3],
  ['to-overlay', 4],
  ['from-endpoint', 5],
  ['from-proxy', 6],
  ['from-host', 7],
  ['from-stack', 8],
  ['from-overlay', 9],
  ['from-network', 10],
  ['to-network', 11],
]);

/** Agent notification sub-types (`--type agent:<name>`). */
export const AGENT_SUBTYPES: ReadonlyMap<string, number> = new Map([
  ['unspecified', 0],
  ['message', 1],
  ['agent-started', 2],
  ['endpoint-regenerate-success', 3],
  ['endpoint-regenerate-failure', 4],
  ['policy-updated', 5],
  ['policy-deleted', 6],
  ['endpoint-created', 7],
  ['endpoint-deleted', 8],
  ['ipcache-upserted', 9],
  ['ipcache-deleted', 10],
  ['service-upserted', 11],
  ['service-deleted', 12],
]);

/** Go `int32(uint32)` conversion of a parsed value. */
function int32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

function parseNumber(s: string): bigint {
  return parseGoUint(s, 10, 32);
}

/**
 * `--type TYPE[:SUBTYPE]`. Sub-type names are recognised only after the type *names* `trace`
 * and `agent`; a numeric TYPE takes numeric sub-types only.
 *
 * @example parseEventType('trace:to-endpoint') // { type: 4, match_sub_type: true }
 */
export function parseEventType(val: string): EventTypeFilter {
  const colon = val.indexOf(':');
  const typ = colon < 0 ? val : val.slice(0, colon);
  const sub = colon < 0 ? undefined : val.slice(colon + 1);
  const named = EVENT_TYPE_NAMES.get(typ);
  let type: number;
  if (named !== undefined) {
    type = named;
  } else {
    try {
      type = int32(parseNumber(typ));
    } catch (err) {
      throw new Error(
        `unable to parse type '${typ}', not a known type name and unable to parse as numeric value: ${(err as Error).message}`,
      );
    }
  }
  const out: EventTypeFilter = { type };
  if (sub === undefined) return out;
  let subType: number | undefined;
  if (named === 4) subType = TRACE_SUBTYPES.get(sub);
  else if (named === 130) subType = AGENT_SUBTYPES.get(sub);
  if (subType === undefined) {
    try {
      subType = int32(parseNumber(sub));
    } catch (err) {
      throw new Error(
        `unable to parse event sub-type '${sub}', not a known sub-type name and unable to parse as numeric value: ${(err as Error).message}`,
      );
    }
  }
  out.match_sub_type = true;
  // 0 is the proto default: left out, as `--print-raw-filters` and the raw-filter echo show it.
  if (subType !== 0) out.sub_type = subType;
  return out;
}

/** Verdict enum names known to v0.12.3 (`VERDICT_UNKNOWN` parses too). */
export const VERDICT_NAMES: readonly string[] = FLOW_VERDICT_NAMES;

/** `--verdict`: exact, case-sensitive enum name. */
export function parseVerdict(val: string): string {
  if (!VERDICT_NAMES.includes(val)) throw new Error(`invalid --verdict value: ${val}`);
  return val;
}

const TCP_FLAG_NAMES = ['SYN', 'FIN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'] as const;

/**
 * `--tcp-flags`: a comma-separated, case-insensitive list; one TCPFlags object per value
 * (flags inside it are ANDed). An empty element is an unknown flag, as in hubble.
 */
export function parseTcpFlags(val: string): TCPFlags {
  const flags: Record<string, boolean> = {};
  for (const f of val.split(',')) {
    const up = f.toUpperCase();
    if (!(TCP_FLAG_NAMES as readonly string[]).includes(up)) throw new Error(`unknown tcp flag: ${f}`);
    flags[up] = true;
  }
  return flags as TCPFlags;
}

/** `--traffic-direction`: ingress / egress, case-insensitive. */
export function parseTrafficDirection(val: string): string {
  const td = val.toLowerCase();
  if (td === 'ingress') return 'INGRESS';
  if (td === 'egress') return 'EGRESS';
  throw new Error(`${td}: invalid traffic direction, expected ingress or egress`);
}

/** `--ip-version`: 4/v4/ipv4/ip4, 6/v6/ipv6/ip6 (case-insensitive); anything else → IP_NOT_USED. */
export function parseIpVersion(val: string): string {
  switch (val.toLowerCase()) {
    case '4':
    case 'v4':
    case 'ipv4':
    case 'ip4':
      return 'IPv4';
    case '6':
    case 'v6':
    case 'ipv6':
    case 'ip6':
      return 'IPv6';
    default:
      return 'IP_NOT_USED';
  }
}

/** Reserved identity names of v0.12.3, in the order hubble lists them. */
export const RESERVED_IDENTITIES: ReadonlyMap<string, number> = new Map([
  ['host', 1],
  ['world', 2],
  ['unmanaged', 3],
  ['health', 4],
  ['init', 5],
  ['remote-node', 6],
  ['kube-apiserver', 7],
  ['ingress', 8],
]);

/** `--identity`: a reserved name, else an unsigned 32-bit integer with Go base prefixes. */
export function parseIdentity(val: string): number {
  const reserved = RESERVED_IDENTITIES.get(val);
  if (reserved !== undefined) return reserved;
  try {
    return Number(parseGoUint(val, 0, 32));
  } catch {
    throw new Error(
      `invalid security identity, expected one of [${[...RESERVED_IDENTITIES.keys()].join(' ')}] or a numeric value`,
    );
  }
}

/** `--workload [kind/]name`, split at the first `/`. */
export function parseWorkload(val: string): Workload {
  const slash = val.indexOf('/');
  const w: Workload = {};
  const name = slash < 0 ? val : val.slice(slash + 1);
  const kind = slash < 0 ? '' : val.slice(0, slash);
  if (name !== '') w.name = name;
  if (kind !== '') w.kind = kind;
  return w;
}
