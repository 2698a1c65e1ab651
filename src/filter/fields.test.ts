/**
 * Match tables for flow-level fields: uuid, event_type, verdict, drop_reason_desc, reply,
 * identities, ip_version, trace_id and traffic_direction.
 */
import { describe, expect, it } from 'vitest';
import { dns, drop, empty, tcp, matches, type MatchCase } from './testing.js';

const matchCases: MatchCase[] = [
  // uuid
  { name: 'uuid > equal', filter: { uuid: ['x', 'u-1'] }, flow: tcp, want: true },
  { name: 'uuid > different', filter: { uuid: ['u-2'] }, flow: tcp, want: false },
  { name: 'uuid > empty element matches flow without uuid', filter: { uuid: [''] }, flow: empty, want: true },
  // event_type
  { name: 'event_type > type only', filter: { event_type: [{ type: 4 }] }, flow: tcp, want: true },
  { name: 'event_type > other type', filter: { event_type: [{ type: 1 }] }, flow: tcp, want: false },
  {
    name: 'event_type > sub type ignored without match_sub_type',
    filter: { event_type: [{ type: 1, sub_type: 5 }] },
    flow: drop,
    want: true,
  },
  {
    name: 'event_type > sub type matched',
    filter: { event_type: [{ type: 4, match_sub_type: true, sub_type: 3 }] },
    flow: tcp,
    want: true,
  },
  {
    name: 'event_type > sub type differs',
    filter: { event_type: [{ type: 4, match_sub_type: true, sub_type: 0 }] },
    flow: tcp,
    want: false,
  },
  {
    name: 'event_type > absent sub type is 0',
    filter: { event_type: [{ type: 129, match_sub_type: true }] },
    flow: dns,
    want: true,
  },
  { name: 'event_type > type 0 is any type', filter: { event_type: [{ type: 0 }] }, flow: drop, want: true },
  {
    name: 'event_type > flow without event_type never matches',
    filter: { event_type: [{}] },
    flow: empty,
    want: false,
  },
  {
    name: 'event_type > OR across elements',
    filter: { event_type: [{ type: 129 }, { type: 1 }] },
    flow: drop,
    want: true,
  },
  // verdict
  { name: 'verdict > by name', filter: { verdict: ['DROPPED'] }, flow: drop, want: true },
  { name: 'verdict > by number', filter: { verdict: [2] }, flow: drop, want: true },
  {
    name: 'verdict > numeric flow value',
    filter: { verdict: ['DROPPED'] },
    flow: { verdict: 2 },
    want: true,
  },
  { name: 'verdict > other', filter: { verdict: ['DROPPED', 'ERROR'] }, flow: tcp, want: false },
  {
    name: 'verdict > absent is VERDICT_UNKNOWN',
    filter: { verdict: ['VERDICT_UNKNOWN'] },
    flow: empty,
    want: true,
  },
  { name: 'verdict > unnamed number', filter: { verdict: [99] }, flow: { verdict: 99 }, want: true },
  // drop_reason_desc
  {
    name: 'drop_reason_desc > dropped with reason',
    filter: { drop_reason_desc: ['POLICY_DENIED'] },
    flow: drop,
    want: true,
  },
  {
    name: 'drop_reason_desc > needs verdict DROPPED',
    filter: { drop_reason_desc: ['POLICY_DENIED'] },
    flow: { ...tcp, drop_reason_desc: 'POLICY_DENIED' },
    want: false,
  },
  {
    name: 'drop_reason_desc > other reason',
    filter: { drop_reason_desc: ['INVALID_SOURCE_IP'] },
    flow: drop,
    want: false,
  },
  // reply
  { name: 'reply > false matches is_reply false', filter: { reply: [false] }, flow: tcp, want: true },
  { name: 'reply > true does not match is_reply false', filter: { reply: [true] }, flow: tcp, want: false },
  {
    name: 'reply > absent is_reply never matches (forwarded)',
    filter: { reply: [false] },
    flow: { verdict: 'FORWARDED' },
    want: false,
  },
  {
    name: 'reply > absent is_reply counts as false when dropped',
    filter: { reply: [false] },
    flow: drop,
    want: true,
  },
  { name: 'reply > absent is_reply dropped is not true', filter: { reply: [true] }, flow: drop, want: false },
  {
    name: 'reply > deprecated reply field is ignored',
    filter: { reply: [true] },
    flow: { reply: true },
    want: false,
  },
  // identities
  { name: 'source_identity > equal', filter: { source_identity: [100] }, flow: tcp, want: true },
  {
    name: 'destination_identity > absent identity is 0',
    filter: { destination_identity: [0] },
    flow: tcp,
    want: true,
  },
  {
    name: 'destination_identity > no destination never matches, even 0',
    filter: { destination_identity: [0] },
    flow: drop,
    want: false,
  },
  { name: 'source_identity > different', filter: { source_identity: [1, 2] }, flow: tcp, want: false },
  // ip_version
  { name: 'ip_version > IPv4', filter: { ip_version: ['IPv4'] }, flow: tcp, want: true },
  { name: 'ip_version > IPv6', filter: { ip_version: ['IPv6'] }, flow: tcp, want: false },
  {
    name: 'ip_version > no IP is IP_NOT_USED',
    filter: { ip_version: ['IP_NOT_USED'] },
    flow: dns,
    want: true,
  },
  // trace_id
  {
    name: 'trace_id > equal',
    filter: { trace_id: ['abc'] },
    flow: { trace_context: { parent: { trace_id: 'abc' } } },
    want: true,
  },
  {
    name: 'trace_id > empty element matches flows without trace context',
    filter: { trace_id: [''] },
    flow: tcp,
    want: true,
  },
  { name: 'trace_id > different', filter: { trace_id: ['abc'] }, flow: tcp, want: false },
  // traffic_direction
  { name: 'traffic_direction > equal', filter: { traffic_direction: ['EGRESS'] }, flow: tcp, want: true },
  {
    name: 'traffic_direction > absent is unknown',
    filter: { traffic_direction: ['TRAFFIC_DIRECTION_UNKNOWN'] },
    flow: drop,
    want: true,
  },
  {
    name: 'traffic_direction > different',
    filter: { traffic_direction: ['INGRESS'] },
    flow: tcp,
    want: false,
  },
];

describe('flow-level fields', () => {
  it.each(matchCases)('$name', (c) => expect(matches(c)).toBe(c.want));
});
