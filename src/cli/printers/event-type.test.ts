/** TYPE / VERDICT column texts and identity names (v0.12.3 tables of hubble-flow.md §3). */
import { describe, expect, it } from 'vitest';
import type { Flow } from '../../flow/index.js';
import { dropText, eventTypeText, identityText, verdictText } from './index.js';

const drops: { code: number; want: string }[] = [
  { code: 0, want: 'Success' },
  { code: 2, want: 'Invalid packet' },
  { code: 11, want: 'Missed tail call to custom program' },
  { code: 12, want: '12, 0' },
  { code: 15, want: '15, 0' },
  { code: 130, want: 'Invalid source mac' },
  { code: 133, want: 'Policy denied' },
  { code: 136, want: 'Fragmentation needed' },
  { code: 138, want: "CT: Can't create entry from packet" },
  { code: 159, want: '159, 0' },
  { code: 160, want: 'No tunnel/encapsulation endpoint (datapath BUG!)' },
  { code: 161, want: 'NAT 46/64 not enabled' },
  { code: 181, want: 'Policy denied by denylist' },
  { code: 194, want: 'No egress gateway found' },
  { code: 195, want: '195, 0' },
  { code: 196, want: 'TTL exceeded' },
  { code: 197, want: 'No node ID found' },
  { code: 198, want: '198, 0' },
  { code: 205, want: '205, 0' },
  { code: 133 + 256, want: 'Policy denied' }, // only the low byte counts
];

const identities: { id: number | undefined; want: string }[] = [
  { id: undefined, want: '(unknown)' },
  { id: 0, want: '(unknown)' },
  { id: 1, want: '(host)' },
  { id: 2, want: '(world)' },
  { id: 3, want: '(unmanaged)' },
  { id: 4, want: '(health)' },
  { id: 5, want: '(init)' },
  { id: 6, want: '(remote-node)' },
  { id: 7, want: '(kube-apiserver)' },
  { id: 8, want: '(ingress)' },
  { id: 9, want: '(ID:9)' },
  { id: 10, want: '(ID:10)' },
  { id: 102, want: '(ID:102)' },
  { id: 4294967295, want: '(ID:4294967295)' },
];

const types: { name: string; f: Flow; want: string }[] = [
  { name: 'trace to-endpoint (sub_type absent)', f: { event_type: { type: 4 } }, want: 'to-endpoint' },
  { name: 'trace from-network', f: { event_type: { type: 4, sub_type: 10 } }, want: 'from-network' },
  { name: 'trace from-crypto unknown in v0.12.3', f: { event_type: { type: 4, sub_type: 12 } }, want: '12' },
  { name: 'trace to-crypto unknown in v0.12.3', f: { event_type: { type: 4, sub_type: 13 } }, want: '13' },
  {
    name: 'trace sub_type masked to a byte',
    f: { event_type: { type: 4, sub_type: 257 } },
    want: 'to-proxy',
  },
  { name: 'http request', f: { l7: { type: 'REQUEST', http: {} } }, want: 'http-request' },
  { name: 'http with unnamed l7 type', f: { l7: { type: 7, http: {} } }, want: 'http-7' },
  {
    name: 'dns response',
    f: { l7: { type: 'RESPONSE', dns: { observation_source: 'proxy' } } },
    want: 'dns-response proxy',
  },
  { name: 'kafka response', f: { l7: { type: 'RESPONSE', kafka: {} } }, want: 'kafka-response' },
  {
    name: 'l7 wins over event type',
    f: { l7: { type: 'REQUEST', http: {} }, event_type: { type: 1 } },
    want: 'http-request',
  },
  {
    name: 'policy verdict with unnamed direction',
    f: { event_type: { type: 5 }, policy_match_type: 2, traffic_direction: 9 },
    want: 'policy-verdict:L3-L4 9',
  },
  { name: 'capture without point', f: { event_type: { type: 3 } }, want: 'DBG_CAPTURE_POINT_UNKNOWN' },
  {
    name: 'trace-sock pre-xlate-rev',
    f: { event_type: { type: 7 }, sock_xlate_point: 'SOCK_XLATE_POINT_PRE_DIRECTION_REV' },
    want: 'pre-xlate-rev',
  },
  { name: 'l7 event type without l7 record', f: { event_type: { type: 129 } }, want: 'UNKNOWN' },
  { name: 'no event type', f: {}, want: 'UNKNOWN' },
];

const verdicts: { name: string; f: Flow; want: string }[] = [
  { name: 'absent verdict', f: {}, want: 'VERDICT_UNKNOWN' },
  { name: 'trace DROPPED stays', f: { verdict: 'DROPPED', event_type: { type: 1 } }, want: 'DROPPED' },
  {
    name: 'policy FORWARDED → ALLOWED',
    f: { verdict: 'FORWARDED', event_type: { type: 5 } },
    want: 'ALLOWED',
  },
  { name: 'policy DROPPED → DENIED', f: { verdict: 'DROPPED', event_type: { type: 5 } }, want: 'DENIED' },
  { name: 'policy AUDIT → AUDITED', f: { verdict: 'AUDIT', event_type: { type: 5 } }, want: 'AUDITED' },
  { name: 'policy TRACED stays', f: { verdict: 'TRACED', event_type: { type: 5 } }, want: 'TRACED' },
  { name: 'unnamed verdict number', f: { verdict: 12 }, want: '12' },
];

describe('event type text', () => {
  for (const d of drops) {
    it(`drop code ${d.code} → ${JSON.stringify(d.want)}`, () => {
      expect(dropText(d.code)).toBe(d.want);
      expect(eventTypeText({ event_type: { type: 1, sub_type: d.code } })).toBe(d.want);
    });
  }
  for (const i of identities) {
    it(`identity ${i.id} → ${i.want}`, () => {
      expect(identityText(i.id)).toBe(i.want);
    });
  }
  for (const t of types) {
    it(`type column: ${t.name}`, () => {
      expect(eventTypeText(t.f)).toBe(t.want);
    });
  }
  for (const v of verdicts) {
    it(`verdict column: ${v.name}`, () => {
      expect(verdictText(v.f)).toBe(v.want);
    });
  }
});
