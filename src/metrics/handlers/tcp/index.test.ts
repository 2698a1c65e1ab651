import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf, total } from '../../testing/fixtures.js';

describe('tcp handler', () => {
  it('counts FIN, SYN and SYN-ACK of forwarded golden flows (drops and PSH/ACK are not counted)', () => {
    // Golden: 55 SYN (22 of them dropped), 24 SYN+ACK, 16 FIN+ACK, no RST.
    expect(seriesOf(runPipeline('tcp', [FIXTURES.golden]).render(), 'hubble_tcp_flags_total')).toEqual([
      '{family="IPv4",flag="FIN"} 16',
      '{family="IPv4",flag="SYN"} 33',
      '{family="IPv4",flag="SYN-ACK"} 24',
    ]);
  });

  it('splits them by direction with ACNS contexts', () => {
    const text = runPipeline(
      'tcp:sourceEgressContext=namespace;destinationIngressContext=namespace;labelsContext=traffic_direction',
      [FIXTURES.golden],
    ).render();
    const sum = (flag: string, dir: string) =>
      total(text, 'hubble_tcp_flags_total', { flag, traffic_direction: dir });
    expect([sum('SYN', 'egress'), sum('SYN', 'ingress')]).toEqual([16, 17]);
    expect([sum('SYN-ACK', 'egress'), sum('SYN-ACK', 'ingress')]).toEqual([12, 12]);
    expect([sum('FIN', 'egress'), sum('FIN', 'ingress')]).toEqual([8, 8]);
    expect(total(text, 'hubble_tcp_flags_total', { traffic_direction: 'egress', destination: '' })).toBe(36);
  });

  const cases = [
    {
      name: 'RST and FIN together count both',
      flags: { RST: true, FIN: true, ACK: true },
      verdict: 'FORWARDED',
      want: ['{family="IPv6",flag="FIN"} 1', '{family="IPv6",flag="RST"} 1'],
    },
    {
      name: 'SYN with ACK is SYN-ACK only',
      flags: { SYN: true, ACK: true },
      verdict: 'REDIRECTED',
      want: ['{family="IPv6",flag="SYN-ACK"} 1'],
    },
    { name: 'PSH/ACK is not counted', flags: { PSH: true, ACK: true }, verdict: 'FORWARDED', want: [] },
    { name: 'dropped SYN is not counted', flags: { SYN: true }, verdict: 'DROPPED', want: [] },
  ] as const;
  for (const c of cases) {
    it(`flags > ${c.name}`, () => {
      const flow = {
        verdict: c.verdict,
        IP: { ipVersion: 'IPv6' as const },
        event_type: { type: 4 },
        l4: { TCP: { flags: { ...c.flags } } },
      };
      expect(seriesOf(runPipeline('tcp', [[ev(flow)]]).render(), 'hubble_tcp_flags_total')).toEqual(c.want);
    });
  }

  it('ignores flows without IP or flags', () => {
    const text = runPipeline('tcp', [
      [
        ev({ verdict: 'FORWARDED', l4: { TCP: { flags: { SYN: true } } } }),
        ev({ verdict: 'FORWARDED', IP: {}, l4: { TCP: {} } }),
      ],
    ]).render();
    expect(seriesOf(text, 'hubble_tcp_flags_total')).toEqual([]);
  });
});
