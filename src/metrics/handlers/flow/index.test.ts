import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf, total } from '../../testing/fixtures.js';

// Expected values counted from the raw JSON of the fixtures (event_type, sub_type, l4/l7, verdict).
describe('flow handler', () => {
  it('counts every golden flow by protocol, type, subtype and verdict', () => {
    const text = runPipeline('flow', [FIXTURES.golden]).render();
    expect(seriesOf(text, 'hubble_flows_processed_total')).toEqual([
      '{protocol="DNS",subtype="DNS",type="L7",verdict="FORWARDED"} 89',
      '{protocol="HTTP",subtype="HTTP",type="L7",verdict="FORWARDED"} 56',
      '{protocol="ICMPv4",subtype="from-endpoint",type="Trace",verdict="FORWARDED"} 1',
      '{protocol="ICMPv4",subtype="to-endpoint",type="Trace",verdict="FORWARDED"} 1',
      '{protocol="TCP",subtype="",type="Drop",verdict="DROPPED"} 20',
      '{protocol="TCP",subtype="",type="PolicyVerdict",verdict="DROPPED"} 2',
      '{protocol="TCP",subtype="",type="PolicyVerdict",verdict="FORWARDED"} 3',
      '{protocol="TCP",subtype="from-endpoint",type="Trace",verdict="FORWARDED"} 25',
      '{protocol="TCP",subtype="from-network",type="Trace",verdict="FORWARDED"} 24',
      '{protocol="TCP",subtype="from-overlay",type="Trace",verdict="FORWARDED"} 12',
      '{protocol="TCP",subtype="to-endpoint",type="Trace",verdict="FORWARDED"} 16',
      '{protocol="TCP",subtype="to-network",type="Trace",verdict="FORWARDED"} 23',
      '{protocol="TCP",subtype="to-stack",type="Trace",verdict="FORWARDED"} 16',
      '{protocol="UDP",subtype="from-endpoint",type="Trace",verdict="FORWARDED"} 12',
    ]);
  });

  const cases: { name: string; flow: Parameters<typeof ev>[0]; want: string }[] = [
    {
      name: 'trace sub_type 0 is to-endpoint',
      flow: { event_type: { type: 4 }, l4: { UDP: {} }, verdict: 'FORWARDED' },
      want: '{protocol="UDP",subtype="to-endpoint",type="Trace",verdict="FORWARDED"} 1',
    },
    {
      name: 'trace sub_type 13 is to-crypto',
      flow: { event_type: { type: 4, sub_type: 13 }, l4: { TCP: {} }, verdict: 'FORWARDED' },
      want: '{protocol="TCP",subtype="to-crypto",type="Trace",verdict="FORWARDED"} 1',
    },
    {
      name: 'unknown observation point gives an empty subtype',
      flow: { event_type: { type: 4, sub_type: 99 }, l4: { TCP: {} }, verdict: 'FORWARDED' },
      want: '{protocol="TCP",subtype="",type="Trace",verdict="FORWARDED"} 1',
    },
    {
      name: 'trace-sock is Unknown with the type number',
      flow: { event_type: { type: 7 }, l4: { TCP: {} }, verdict: 'TRACED' },
      want: '{protocol="Unknown flow",subtype="7",type="Unknown",verdict="TRACED"} 1',
    },
    {
      name: 'a masked export without event_type',
      flow: { verdict: 'DROPPED', l4: { ICMPv6: { type: 133 } } },
      want: '{protocol="Unknown flow",subtype="0",type="Unknown",verdict="DROPPED"} 1',
    },
    {
      name: 'L7 without a record',
      flow: { event_type: { type: 129 }, verdict: 'FORWARDED' },
      want: '{protocol="Unknown L7",subtype="",type="L7",verdict="FORWARDED"} 1',
    },
    {
      name: 'kafka record',
      flow: { event_type: { type: 129 }, l7: { kafka: { topic: 't' } }, verdict: 'FORWARDED' },
      want: '{protocol="Kafka",subtype="Kafka",type="L7",verdict="FORWARDED"} 1',
    },
    {
      name: 'capture event',
      flow: { event_type: { type: 3 }, l4: { SCTP: {} }, verdict: 'FORWARDED' },
      want: '{protocol="SCTP",subtype="",type="Capture",verdict="FORWARDED"} 1',
    },
    {
      name: 'absent verdict',
      flow: { event_type: { type: 4, sub_type: 3 }, l4: { VRRP: {} } },
      want: '{protocol="VRRP",subtype="to-stack",type="Trace",verdict="VERDICT_UNKNOWN"} 1',
    },
    {
      name: 'unnamed verdict number',
      flow: { event_type: { type: 4, sub_type: 3 }, verdict: 15 },
      want: '{protocol="Unknown L4",subtype="to-stack",type="Trace",verdict="15"} 1',
    },
    {
      name: 'named verdict given as its number',
      flow: { event_type: { type: 1 }, l4: { IGMP: {} }, verdict: 2 },
      want: '{protocol="IGMP",subtype="",type="Drop",verdict="DROPPED"} 1',
    },
  ];
  for (const c of cases) {
    it(`labels > ${c.name}`, () => {
      expect(seriesOf(runPipeline('flow', [[ev(c.flow)]]).render(), 'hubble_flows_processed_total')).toEqual([
        c.want,
      ]);
    });
  }

  it('adds ACNS context labels: egress flows name their source pod, ingress flows their destination pod', () => {
    const text = runPipeline(
      'flow:sourceEgressContext=pod;destinationIngressContext=pod;labelsContext=traffic_direction',
      [FIXTURES.golden],
    ).render();
    // 172 EGRESS and 128 INGRESS flows in the golden input.
    expect(total(text, 'hubble_flows_processed_total', { traffic_direction: 'egress' })).toBe(172);
    expect(total(text, 'hubble_flows_processed_total', { traffic_direction: 'ingress' })).toBe(128);
    expect(
      total(text, 'hubble_flows_processed_total', { traffic_direction: 'egress', destination: '' }),
    ).toBe(172);
    expect(total(text, 'hubble_flows_processed_total', { traffic_direction: 'ingress', source: '' })).toBe(
      128,
    );
    // coredns-lmwct7mtj2-khglx sends 16 egress flows (its DNS answers).
    expect(
      total(text, 'hubble_flows_processed_total', { source: 'kube-system/coredns-lmwct7mtj2-khglx' }),
    ).toBe(16);
  });
});
