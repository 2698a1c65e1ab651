/** Validation of `faults:` entries of a scenario file. */
import { DNS_LABEL } from './patterns.js';
import type { Reader } from './reader.js';
import type { FaultBase, FaultSpec } from './schema.js';
import { readPolicy } from './validate-policy.js';
import { readNsName } from './validate-traffic.js';

/**
 * Drop reasons a `node-drops` fault may use (name → datapath code), restricted to reasons the
 * Hubble v0.12.3 CLI can name. `NO_ROUTE` is accepted as an alias: Cilium has no drop reason of
 * that name, and a missing route surfaces as FIB_LOOKUP_FAILED.
 */
export const NODE_DROP_REASONS: Readonly<Record<string, number>> = {
  INVALID_SOURCE_IP: 132,
  INVALID_PACKET_DROPPED: 134,
  CT_TRUNCATED_OR_INVALID_HEADER: 135,
  UNSUPPORTED_L3_PROTOCOL: 139,
  MISSED_TAIL_CALL: 140,
  ERROR_WRITING_TO_PACKET: 141,
  UNKNOWN_L4_PROTOCOL: 142,
  UNKNOWN_L3_TARGET_ADDRESS: 150,
  STALE_OR_UNROUTABLE_IP: 151,
  CT_MAP_INSERTION_FAILED: 155,
  SERVICE_BACKEND_NOT_FOUND: 158,
  NO_TUNNEL_OR_ENCAPSULATION_ENDPOINT: 160,
  FIB_LOOKUP_FAILED: 169,
  NO_ROUTE: 169,
};

const COMMON = ['kind', 'from', 'to', 'at', 'for', 'description'];

const KIND_FIELDS: Record<FaultSpec['kind'], string[]> = {
  'dns-upstream-down': ['mode', 'names', 'ratio'],
  'dns-refused': ['ratio', 'clients'],
  'dns-nxdomain': ['workload', 'name', 'rate'],
  'dns-a-fail': ['mode', 'names', 'ratio'],
  'policy-change': ['policy'],
  'lb-skew': ['workload', 'weights'],
  'tcp-reset': ['workload', 'pods', 'role', 'peer', 'ratio'],
  'http-errors': ['workload', 'status', 'ratio', 'paths'],
  latency: ['workload', 'factor', 'add', 'ratio'],
  'kafka-errors': ['workload', 'topic', 'errorCode', 'ratio', 'noResponse'],
  'node-drops': ['node', 'reason', 'ratio'],
  'traffic-surge': ['workload', 'factor'],
};

/** The fault kinds, for help texts and errors. */
export const FAULT_KINDS = Object.keys(KIND_FIELDS) as Array<FaultSpec['kind']>;

function readWindow(r: Reader): FaultBase {
  const fromR = r.at('from').absent ? r.at('at') : r.at('from');
  const from = fromR.absent ? 0 : fromR.duration();
  let to: number | undefined;
  if (!r.at('to').absent) to = r.at('to').duration();
  if (!r.at('for').absent) {
    if (to !== undefined) throw r.at('for').error('give either "to" or "for", not both', true);
    to = from + r.at('for').duration();
  }
  if (to !== undefined && to <= from) r.at('to').expected(`an end after the start (${from / 1000}s)`);
  return { origin: r.origin, from, to, description: r.opt('description', (x) => x.string()) };
}

const ratio = (r: Reader, fallback = 1) => r.opt('ratio', (x) => x.number(0, 1), fallback);
const names = (r: Reader) =>
  r
    .at('names')
    .list()
    .map((n) =>
      n.pattern(/^[*a-z0-9]([-.*a-z0-9]*[a-z0-9*])?\.?$/, 'a DNS name or glob such as *.contoso.com'),
    );
const workload = (r: Reader) => readNsName(r.req('workload', 'a workload such as shop/frontend'));

/** Reads one fault. */
export function readFault(r: Reader): FaultSpec {
  r.map(Object.keys((r.value as object) ?? {}));
  const kind = r.req('kind', `one of ${FAULT_KINDS.join(', ')}`).oneOf(FAULT_KINDS);
  r.map([...COMMON, ...KIND_FIELDS[kind]]);
  const w = readWindow(r);
  switch (kind) {
    case 'dns-upstream-down':
    case 'dns-a-fail':
      return {
        ...w,
        kind,
        mode: r.opt('mode', (x) => x.oneOf(['servfail', 'no-response'] as const), 'servfail'),
        names: names(r),
        ratio: ratio(r),
      };
    case 'dns-refused':
      return {
        ...w,
        kind,
        ratio: ratio(r),
        clients: r
          .at('clients')
          .list()
          .map((c) => readNsName(c, 'a workload such as shop/frontend')),
      };
    case 'dns-nxdomain':
      return {
        ...w,
        kind,
        workload: workload(r),
        name: r
          .req('name', 'the misspelled name clients query')
          .pattern(/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?\.?$/, 'a DNS name'),
        rate: r.opt('rate', (x) => x.rate(), 5),
      };
    case 'policy-change':
      return { ...w, kind, policy: readPolicy(r.req('policy', 'a NetworkPolicy')) };
    case 'lb-skew': {
      const weights = r
        .req('weights', 'a weight per replica, such as [8, 1, 1]')
        .list()
        .map((x) => x.number(0, 1e6));
      if (weights.length === 0 || weights.every((x) => x === 0))
        r.at('weights').expected('at least one positive weight');
      return { ...w, kind, workload: workload(r), weights };
    }
    case 'tcp-reset':
      return {
        ...w,
        kind,
        workload: workload(r),
        pods: r
          .at('pods')
          .list()
          .map((p) =>
            typeof p.value === 'number'
              ? p.number(0, 499, true)
              : p.pattern(DNS_LABEL, 'a pod name or replica index'),
          ),
        role: r.opt('role', (x) => x.oneOf(['server', 'client'] as const), 'server'),
        peer: r.opt('peer', (x) => readNsName(x, 'a workload such as pets/mongodb')),
        ratio: ratio(r, 0.5),
      };
    case 'http-errors': {
      const st = r.at('status');
      const status = Array.isArray(st.value)
        ? st.list().map((x) => x.number(400, 599, true))
        : [st.absent ? 503 : st.number(400, 599, true)];
      return {
        ...w,
        kind,
        workload: workload(r),
        status,
        ratio: ratio(r, 0.2),
        paths: r
          .at('paths')
          .list()
          .map((p) => p.pattern(/^\/\S*$/, 'a path prefix such as /api/checkout')),
      };
    }
    case 'latency': {
      const factor = r.opt('factor', (x) => x.number(1, 1000), 1);
      const add = r.opt('add', (x) => x.duration(), 0);
      if (factor === 1 && add === 0) throw r.error('a latency fault needs "factor" (> 1) or "add"');
      return { ...w, kind, workload: workload(r), factor, add, ratio: ratio(r) };
    }
    case 'kafka-errors':
      return {
        ...w,
        kind,
        workload: workload(r),
        topic: r.opt('topic', (x) => x.pattern(/^[A-Za-z0-9._-]+$/, 'a Kafka topic')),
        errorCode: r.opt('errorCode', (x) => x.number(-1, 120, true), 7),
        ratio: ratio(r, 0.3),
        noResponse: r.opt('noResponse', (x) => x.number(0, 1), 0),
      };
    case 'node-drops':
      return {
        ...w,
        kind,
        node: r.req('node', 'a node name').string(),
        reason: r.opt('reason', (x) => x.oneOf(Object.keys(NODE_DROP_REASONS)), 'CT_MAP_INSERTION_FAILED'),
        ratio: ratio(r, 0.2),
      };
    case 'traffic-surge':
      return {
        ...w,
        kind,
        workload: workload(r),
        factor: r.req('factor', 'a rate multiplier such as 5').number(0, 1000),
      };
  }
}
