import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('port-distribution handler', () => {
  it('counts forwarded golden requests by UDP destination port', () => {
    const udp = seriesOf(
      runPipeline('port-distribution', [FIXTURES.golden]).render(),
      'hubble_port_distribution_total',
    ).filter((l) => l.includes('UDP'));
    expect(udp).toEqual([
      '{port="4789",protocol="UDP"} 2',
      '{port="514",protocol="UDP"} 3',
      '{port="53",protocol="UDP"} 43',
      '{port="6831",protocol="UDP"} 2',
      '{port="8125",protocol="UDP"} 5',
    ]);
  });

  const cases = [
    {
      name: 'replies are not counted',
      flow: { verdict: 'FORWARDED' as const, is_reply: true, l4: { TCP: { destination_port: 80 } } },
      want: [],
    },
    {
      name: 'absent is_reply is not counted',
      flow: { verdict: 'FORWARDED' as const, l4: { TCP: { destination_port: 80 } } },
      want: [],
    },
    {
      name: 'drops are not counted',
      flow: { verdict: 'DROPPED' as const, is_reply: false, l4: { TCP: { destination_port: 80 } } },
      want: [],
    },
    {
      name: 'ICMPv6 has port 0',
      flow: { verdict: 'REDIRECTED' as const, is_reply: false, l4: { ICMPv6: { type: 128 } } },
      want: ['{port="0",protocol="ICMPv6"} 1'],
    },
    {
      name: 'SCTP port',
      flow: { verdict: 'FORWARDED' as const, is_reply: false, l4: { SCTP: { destination_port: 38412 } } },
      want: ['{port="38412",protocol="SCTP"} 1'],
    },
  ];
  for (const c of cases) {
    it(`ports > ${c.name}`, () => {
      expect(
        seriesOf(runPipeline('port-distribution', [[ev(c.flow)]]).render(), 'hubble_port_distribution_total'),
      ).toEqual(c.want);
    });
  }
});
