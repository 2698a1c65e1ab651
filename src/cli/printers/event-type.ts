/**
 * The derived TYPE column (compact, dict, table) and the reserved-identity names, following
 * hubble-cli-observe.md §4 "TYPE column" and hubble-flow.md §3.6, §3.8–§3.10 (v0.12.3 tables).
 */
import type { EnumValue, Flow } from '../../flow/index.js';
import { dropText } from './drop-reasons.js';
import { sanitize } from './sanitize.js';

/** Cilium monitor message types (`event_type.type`) the TYPE column distinguishes. */
const EVENT_DROP = 1;
const EVENT_CAPTURE = 3;
const EVENT_TRACE = 4;
const EVENT_POLICY_VERDICT = 5;
const EVENT_TRACE_SOCK = 7;

/** Trace observation points by datapath number (`sub_type`); v0.12.3 has no 12/13. */
const TRACE_POINTS: readonly string[] = [
  'to-endpoint',
  'to-proxy',
  'to-host',
  'to-stack',
  'to-overlay',
  'from-endpoint',
  'from-proxy',
  'from-host',
  'from-stack',
  'from-overlay',
  'from-network',
  'to-network',
];

/** `policy_match_type` → text after `policy-verdict:`. */
const POLICY_MATCH: readonly string[] = [
  'none',
  'L3-Only',
  'L3-L4',
  'L4-Only',
  'all',
  'L3-Proto',
  'Proto-Only',
];

/** Reserved security identities known to v0.12.3 (9/10 `world-ipv4/6` came later). */
const RESERVED_IDENTITIES: readonly string[] = [
  'unknown',
  'host',
  'world',
  'unmanaged',
  'health',
  'init',
  'remote-node',
  'kube-apiserver',
  'ingress',
];

const SOCK_XLATE: Readonly<Record<string, string>> = {
  SOCK_XLATE_POINT_PRE_DIRECTION_FWD: 'pre-xlate-fwd',
  SOCK_XLATE_POINT_POST_DIRECTION_FWD: 'post-xlate-fwd',
  SOCK_XLATE_POINT_PRE_DIRECTION_REV: 'pre-xlate-rev',
  SOCK_XLATE_POINT_POST_DIRECTION_REV: 'post-xlate-rev',
};

/**
 * Go's `String()` of an enum: the name, or the decimal number for an unnamed value.
 * Names come from the codec's closed tables, so they need no sanitizing.
 */
export function enumText(v: EnumValue | undefined, zeroName: string): string {
  return v === undefined ? zeroName : typeof v === 'number' ? (v === 0 ? zeroName : String(v)) : v;
}

/**
 * `(name)` for reserved identities 0–8, `(ID:<n>)` otherwise; a missing identity is 0.
 *
 * @example identityText(2) === '(world)'; identityText(9) === '(ID:9)'
 */
export function identityText(identity: number | undefined): string {
  const id = identity ?? 0;
  const name = id < RESERVED_IDENTITIES.length ? RESERVED_IDENTITIES[id] : undefined;
  return name !== undefined ? '(' + name + ')' : '(ID:' + id + ')';
}

/** Trace observation-point text of a trace event's `sub_type` (`12` for unknown points). */
export function tracePointText(subType: number): string {
  const p = subType & 0xff;
  return p < TRACE_POINTS.length ? TRACE_POINTS[p] : String(p);
}

/** `policy-verdict:<match> <direction>` for a policy-verdict event. */
function policyVerdictText(f: Flow): string {
  const m = f.policy_match_type ?? 0;
  const match = m < POLICY_MATCH.length ? POLICY_MATCH[m] : 'unknown';
  return 'policy-verdict:' + match + ' ' + enumText(f.traffic_direction, 'TRAFFIC_DIRECTION_UNKNOWN');
}

function sockXlateText(v: EnumValue | undefined): string {
  const name = enumText(v, 'SOCK_XLATE_POINT_UNKNOWN');
  return SOCK_XLATE[name] ?? name;
}

/**
 * The TYPE column text of a flow (already safe for a terminal).
 *
 * @example eventTypeText({ event_type: { type: 1, sub_type: 133 } }) === 'Policy denied'
 */
export function eventTypeText(f: Flow): string {
  const l7 = f.l7;
  if (l7 !== undefined) {
    const t = enumText(l7.type, 'UNKNOWN_L7_TYPE').toLowerCase();
    if (l7.http !== undefined) return 'http-' + t;
    if (l7.dns !== undefined) return 'dns-' + t + ' ' + sanitize(l7.dns.observation_source ?? '');
    if (l7.kafka !== undefined) return 'kafka-' + t;
    return 'l7-' + t;
  }
  const et = f.event_type;
  switch (et?.type) {
    case EVENT_TRACE:
      return tracePointText(et.sub_type ?? 0);
    case EVENT_DROP:
      return dropText(et.sub_type ?? 0);
    case EVENT_POLICY_VERDICT:
      return policyVerdictText(f);
    case EVENT_CAPTURE:
      return enumText(f.debug_capture_point, 'DBG_CAPTURE_POINT_UNKNOWN');
    case EVENT_TRACE_SOCK:
      return sockXlateText(f.sock_xlate_point);
    default:
      return 'UNKNOWN';
  }
}

/**
 * The VERDICT column text: the verdict name, except for policy-verdict events where
 * FORWARDED/REDIRECTED → ALLOWED, DROPPED/ERROR → DENIED, AUDIT → AUDITED.
 */
export function verdictText(f: Flow): string {
  const v = enumText(f.verdict, 'VERDICT_UNKNOWN');
  if (f.event_type?.type !== EVENT_POLICY_VERDICT) return v;
  switch (v) {
    case 'FORWARDED':
    case 'REDIRECTED':
      return 'ALLOWED';
    case 'DROPPED':
    case 'ERROR':
      return 'DENIED';
    case 'AUDIT':
      return 'AUDITED';
    default:
      return v;
  }
}
