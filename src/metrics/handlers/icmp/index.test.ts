import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';
import { icmpTypeCode } from './type-code.js';

describe('icmp handler', () => {
  it('counts the otel ICMPv4 sample: 11 echo requests, 7 echo replies (empty ICMPv4 object)', () => {
    expect(seriesOf(runPipeline('icmp', [FIXTURES.icmp]).render(), 'hubble_icmp_total')).toEqual([
      '{family="IPv4",type="EchoReply"} 7',
      '{family="IPv4",type="EchoRequest"} 11',
    ]);
  });

  it('counts ICMPv6 with its family', () => {
    const text = runPipeline('icmp:sourceContext=namespace', [FIXTURES.drops]).render();
    expect(seriesOf(text, 'hubble_icmp_total')).toEqual([
      '{family="IPv6",source="",type="RouterSolicitation"} 1',
    ]);
  });

  const cases: [boolean, number, number, string][] = [
    [false, 8, 0, 'EchoRequest'],
    [false, 3, 3, 'DestinationUnreachable(Port)'],
    [false, 3, 13, 'DestinationUnreachable(CommAdminProhibited)'],
    [false, 3, 16, 'DestinationUnreachable(Code: 16)'],
    [false, 11, 0, 'TimeExceeded(TTLExceeded)'],
    [false, 5, 2, 'Redirect(TOS+Net)'],
    [false, 12, 1, 'ParameterProblem(MissingOption)'],
    [false, 8, 7, 'EchoRequest(Code: 7)'],
    [false, 42, 0, '42(0)'],
    [true, 1, 4, 'DestinationUnreachable(PortUnreachable)'],
    [true, 3, 0, 'TimeExceeded(HopLimitExceeded)'],
    [true, 4, 1, 'ParameterProblem(UnrecognizedNextHeader)'],
    [true, 135, 0, 'NeighborSolicitation'],
    [true, 137, 0, 'Redirect'],
    [true, 200, 1, '200(1)'],
  ];
  for (const [v6, type, code, want] of cases) {
    it(`type > ICMPv${v6 ? 6 : 4} ${type}/${code} is ${want}`, () => {
      expect(icmpTypeCode(v6, type, code)).toBe(want);
      const l4 = v6 ? { ICMPv6: { type, code } } : { ICMPv4: { type, code } };
      expect(
        seriesOf(runPipeline('icmp', [[ev({ l4, verdict: 'DROPPED' })]]).render(), 'hubble_icmp_total'),
      ).toEqual([`{family="IPv${v6 ? 6 : 4}",type="${want}"} 1`]);
    });
  }
});
