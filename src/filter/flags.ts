/**
 * hubble v0.12.3's translation of `observe` filter flags into FlowFilter lists: the one
 * implementation shared by the CLI (`cli/observe`, behind pflag-style parsing), the HTTP API's
 * `filter=` parameter (through the CLI) and the web UI's filter bar. Isomorphic: imports no
 * node: module and nothing outside src/filter and flow/types.
 *
 * Each list (allowlist, and the denylist that `--not` feeds) has two builders, left and right.
 * "Both" flags (`--verdict`, `--from-pod`, ...) append to the same field of both; "either"
 * flags (`--pod`, `--ip`, `-n`, ...) append the source field to left and the destination field
 * to right. At the end a list is `[left]` when both are equal, else `[left, right]`, so
 * `--ip X --port 80` means (src X and src port 80) or (dst X and dst port 80). Conflicting
 * flags (§2.1 of the spec) are rejected per list as they are parsed, before their value.
 */
import {
  parseEventType,
  parseIdentity,
  parseIpVersion,
  parseTcpFlags,
  parseTrafficDirection,
  parseVerdict,
  parseWorkload,
} from './flag-values.js';
import type { FlowFilter } from './types.js';

type Field = keyof FlowFilter;

/** How one filter flag changes a list's builders, and how it is spelled. */
export interface FilterAction {
  /** Field appended on both sides ("both" flags). */
  both?: Field;
  /** Fields appended on the left (source) and right (destination) side ("either" flags). */
  either?: [Field, Field];
  /** Turns the flag value into the appended element (default: the string itself). */
  value?: (val: string) => unknown;
  /** One-letter short form (`-n`). */
  short?: string;
  /**
   * pflag's NoOptDefVal: the value of the flag given without `=value`. Such a flag never takes
   * the next word as its value.
   */
  noOptDefVal?: string;
}

const same = (v: string): string => v;
const namespace = (v: string): string => v + '/';

/** Every filter flag of v0.12.3 except `--not`, by long name. */
export const FILTER_ACTIONS: ReadonlyMap<string, FilterAction> = new Map<string, FilterAction>([
  ['uuid', { both: 'uuid' }],
  ['from-fqdn', { both: 'source_fqdn' }],
  ['to-fqdn', { both: 'destination_fqdn' }],
  ['fqdn', { either: ['source_fqdn', 'destination_fqdn'] }],
  ['from-pod', { both: 'source_pod' }],
  ['to-pod', { both: 'destination_pod' }],
  ['pod', { either: ['source_pod', 'destination_pod'] }],
  ['from-namespace', { both: 'source_pod', value: namespace }],
  ['to-namespace', { both: 'destination_pod', value: namespace }],
  ['namespace', { either: ['source_pod', 'destination_pod'], value: namespace, short: 'n' }],
  ['from-ip', { both: 'source_ip' }],
  ['to-ip', { both: 'destination_ip' }],
  ['ip', { either: ['source_ip', 'destination_ip'] }],
  ['ipv4', { both: 'ip_version', value: () => 'IPv4', short: '4', noOptDefVal: 'v4' }],
  ['ipv6', { both: 'ip_version', value: () => 'IPv6', short: '6', noOptDefVal: 'v6' }],
  ['ip-version', { both: 'ip_version', value: parseIpVersion }],
  ['from-label', { both: 'source_label' }],
  ['to-label', { both: 'destination_label' }],
  ['label', { either: ['source_label', 'destination_label'], short: 'l' }],
  ['from-service', { both: 'source_service' }],
  ['to-service', { both: 'destination_service' }],
  ['service', { either: ['source_service', 'destination_service'] }],
  ['from-port', { both: 'source_port' }],
  ['to-port', { both: 'destination_port' }],
  ['port', { either: ['source_port', 'destination_port'] }],
  ['trace-id', { both: 'trace_id' }],
  ['verdict', { both: 'verdict', value: parseVerdict }],
  ['http-status', { both: 'http_status_code' }],
  ['http-method', { both: 'http_method' }],
  ['http-path', { both: 'http_path' }],
  ['type', { both: 'event_type', value: parseEventType, short: 't' }],
  ['protocol', { both: 'protocol' }],
  ['from-workload', { both: 'source_workload', value: parseWorkload }],
  ['to-workload', { both: 'destination_workload', value: parseWorkload }],
  ['workload', { either: ['source_workload', 'destination_workload'], value: parseWorkload }],
  ['from-identity', { both: 'source_identity', value: parseIdentity }],
  ['to-identity', { both: 'destination_identity', value: parseIdentity }],
  ['identity', { either: ['source_identity', 'destination_identity'], value: parseIdentity }],
  ['node-name', { both: 'node_name' }],
  ['tcp-flags', { both: 'tcp_flags', value: parseTcpFlags }],
  ['traffic-direction', { both: 'traffic_direction', value: parseTrafficDirection }],
]);

/** `--not`: its value is ignored (`--not=false` negates too, as in hubble). */
const NOT_SPEC: Pick<FilterAction, 'short' | 'noOptDefVal'> = { noOptDefVal: 'true' };

/** Short form and NoOptDefVal of a filter flag (`not` included); undefined for other names. */
export function filterFlagSpec(name: string): Pick<FilterAction, 'short' | 'noOptDefVal'> | undefined {
  return name === 'not' ? NOT_SPEC : FILTER_ACTIONS.get(name);
}

/** Long name of each filter flag's short form (`n` → `namespace`). */
export const FILTER_SHORTHANDS: ReadonlyMap<string, string> = new Map(
  [...FILTER_ACTIONS].flatMap(([name, a]) => (a.short === undefined ? [] : [[a.short, name] as const])),
);

/** v0.12.3 conflict groups: a flag conflicts with every other flag of a group it is in. */
export const CONFLICT_GROUPS: readonly (readonly string[])[] = [
  ['from-fqdn', 'from-ip', 'from-namespace', 'from-pod', 'fqdn', 'ip', 'namespace', 'pod'],
  ['to-fqdn', 'to-ip', 'to-namespace', 'to-pod', 'fqdn', 'ip', 'namespace', 'pod'],
  ['label', 'from-label'],
  ['label', 'to-label'],
  ['service', 'from-service'],
  ['service', 'to-service'],
  ['port', 'to-port'],
  ['port', 'from-port'],
  ['identity', 'to-identity'],
  ['identity', 'from-identity'],
  ['workload', 'to-workload'],
  ['workload', 'from-workload'],
];

/**
 * Structural equality of two builder values, ignoring key order. On the filters the builders
 * produce this is proto equality: both sides hold clones of the same elements, so they can
 * differ only in which fields are set (checked against `encodeFilter` in flags.test.ts).
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}

/** The left/right builders of one list and the flags used in it. */
class FilterTracker {
  left: FlowFilter | undefined;
  right: FlowFilter | undefined;
  readonly changed: string[] = [];

  /** Records `name` as used and throws when it conflicts with a flag used before. */
  track(name: string): void {
    if (!this.changed.includes(name)) this.changed.push(name);
    for (const group of CONFLICT_GROUPS) {
      const used = group.filter((f) => this.changed.includes(f));
      if (used.length >= 2) throw new Error(`filters --${used[0]} and --${used[1]} cannot be combined`);
    }
  }

  append(side: 'left' | 'right', field: Field, element: unknown): void {
    const f = (this[side] ??= {});
    const list = (f as Record<string, unknown[] | undefined>)[field];
    if (list) list.push(element);
    else (f as Record<string, unknown[]>)[field] = [element];
  }

  /** `[left]` when both sides are equal, else `[left, right]`. */
  filters(): FlowFilter[] {
    if (this.left === undefined && this.right === undefined) return [];
    const left = this.left ?? {};
    const right = this.right ?? {};
    return sameValue(left, right) ? [left] : [left, right];
  }
}

/**
 * The state behind all filter flags of one command line: feed it every filter flag in order
 * with `set`, then read `allowlist()` / `denylist()`.
 *
 * @example
 * const s = new FilterFlags();
 * s.set('namespace', 'shop'); s.set('not', 'true'); s.set('verdict', 'FORWARDED');
 * s.allowlist() // [{source_pod:['shop/']}, {destination_pod:['shop/']}]
 * s.denylist()  // [{verdict:['FORWARDED']}]
 */
export class FilterFlags {
  #allow: FilterTracker | undefined;
  #deny: FilterTracker | undefined;
  #negateNext = false;

  /** Whether `name` is a filter flag (including `not`). */
  static isFilterFlag(name: string): boolean {
    return name === 'not' || FILTER_ACTIONS.has(name);
  }

  /** Applies one filter flag; throws an Error with hubble's reason text. */
  set(name: string, val: string): void {
    if (name === 'not') {
      // The value is ignored: `--not=false` negates too, as in hubble.
      if (this.#negateNext) throw new Error('consecutive --not statements');
      this.#negateNext = true;
      return;
    }
    const action = FILTER_ACTIONS.get(name);
    if (action === undefined) throw new Error(`unknown filter flag --${name}`);
    let tracker: FilterTracker;
    if (this.#negateNext) {
      this.#negateNext = false;
      tracker = this.#deny ??= new FilterTracker();
    } else {
      tracker = this.#allow ??= new FilterTracker();
    }
    tracker.track(name);
    const element = (action.value ?? same)(val);
    if (action.both) {
      tracker.append('left', action.both, element);
      tracker.append('right', action.both, structuredClone(element));
    } else if (action.either) {
      tracker.append('left', action.either[0], element);
      tracker.append('right', action.either[1], structuredClone(element));
    }
  }

  /** True when the last filter flag was `--not` (hubble: "trailing --not found in the arguments"). */
  get trailingNot(): boolean {
    return this.#negateNext;
  }

  /** The flag-built allowlist (hubble's `whitelist`). */
  allowlist(): FlowFilter[] {
    return this.#allow?.filters() ?? [];
  }

  /** The flag-built denylist (hubble's `blacklist`). */
  denylist(): FlowFilter[] {
    return this.#deny?.filters() ?? [];
  }
}
