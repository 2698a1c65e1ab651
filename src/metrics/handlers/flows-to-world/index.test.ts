import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('flows-to-world handler', () => {
  it('counts the 9 golden flows to reserved:world, 5 of them SYNs, all to port 443', () => {
    const p = (m: string) =>
      seriesOf(runPipeline(m, [FIXTURES.golden]).render(), 'hubble_flows_to_world_total');
    expect(p('flows-to-world')).toEqual(['{protocol="TCP",verdict="FORWARDED"} 9']);
    expect(p('flows-to-world:syn-only;port')).toEqual(['{port="443",protocol="TCP",verdict="FORWARDED"} 5']);
  });

  const world = { labels: ['reserved:world'] };
  const base = { event_type: { type: 4 }, destination: world, l4: { TCP: { destination_port: 80 } } };
  const cases = [
    {
      name: 'policy drops count',
      metrics: 'flows-to-world',
      flow: { ...base, verdict: 'DROPPED' as const, drop_reason_desc: 'POLICY_DENIED' },
      want: ['{protocol="TCP",verdict="DROPPED"} 1'],
    },
    {
      name: 'other drops need any-drop',
      metrics: 'flows-to-world',
      flow: { ...base, verdict: 'DROPPED' as const, drop_reason_desc: 'CT_MAP_INSERTION_FAILED' },
      want: [],
    },
    {
      name: 'any-drop counts other drops',
      metrics: 'flows-to-world:any-drop',
      flow: { ...base, verdict: 'DROPPED' as const, drop_reason_desc: 'CT_MAP_INSERTION_FAILED' },
      want: ['{protocol="TCP",verdict="DROPPED"} 1'],
    },
    {
      name: 'replies are not counted',
      metrics: 'flows-to-world',
      flow: { ...base, verdict: 'FORWARDED' as const, is_reply: true },
      want: [],
    },
    {
      name: 'world-ipv6 counts, port of UDP',
      metrics: 'flows-to-world:port',
      flow: {
        event_type: { type: 4 },
        destination: { labels: ['reserved:world-ipv6'] },
        l4: { UDP: { destination_port: 53 } },
        verdict: 'FORWARDED' as const,
      },
      want: ['{port="53",protocol="UDP",verdict="FORWARDED"} 1'],
    },
    {
      name: 'ICMP has an empty port',
      metrics: 'flows-to-world:port',
      flow: {
        event_type: { type: 4 },
        destination: world,
        l4: { ICMPv4: { type: 8 } },
        verdict: 'FORWARDED' as const,
      },
      want: ['{port="",protocol="ICMPv4",verdict="FORWARDED"} 1'],
    },
    {
      name: 'syn-only ignores UDP',
      metrics: 'flows-to-world:syn-only',
      flow: { event_type: { type: 4 }, destination: world, l4: { UDP: {} }, verdict: 'FORWARDED' as const },
      want: [],
    },
    {
      name: 'no l4 is not counted',
      metrics: 'flows-to-world',
      flow: { event_type: { type: 4 }, destination: world, verdict: 'FORWARDED' as const },
      want: [],
    },
  ];
  for (const c of cases) {
    it(`conditions > ${c.name}`, () => {
      expect(
        seriesOf(runPipeline(c.metrics, [[ev(c.flow)]]).render(), 'hubble_flows_to_world_total'),
      ).toEqual(c.want);
    });
  }
});
