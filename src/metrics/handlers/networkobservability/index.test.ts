import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('networkobservability handler (Retina node-level, from flows)', () => {
  it('counts golden forwarded and dropped datapath events by direction, TCP flags and DNS records', () => {
    const text = runPipeline('networkobservability', [FIXTURES.golden]).render();
    // 155 datapath events: 133 forwarded (78 egress, 55 ingress), 22 dropped (5 egress, 17 ingress).
    expect(seriesOf(text, 'networkobservability_forward_count')).toEqual([
      '{direction="egress"} 78',
      '{direction="ingress"} 55',
    ]);
    expect(seriesOf(text, 'networkobservability_drop_count')).toEqual([
      '{direction="egress",reason="POLICY_DENIED"} 5',
      '{direction="ingress",reason="POLICY_DENIED"} 17',
    ]);
    // Hubble flows carry no packet size: the byte families exist at 0.
    expect(seriesOf(text, 'networkobservability_forward_bytes')).toEqual([
      '{direction="egress"} 0',
      '{direction="ingress"} 0',
    ]);
    expect(seriesOf(text, 'networkobservability_tcp_flag_counters')).toEqual([
      '{direction="egress",flag="fin"} 8',
      '{direction="egress",flag="syn"} 16',
      '{direction="egress",flag="synack"} 12',
      '{direction="ingress",flag="fin"} 8',
      '{direction="ingress",flag="syn"} 17',
      '{direction="ingress",flag="synack"} 12',
    ]);
    expect(
      seriesOf(text, 'networkobservability_dns_request_count').reduce(
        (n, l) => n + Number(l.split(' ').pop()),
        0,
      ),
    ).toBe(43);
    expect(seriesOf(text, 'networkobservability_dns_response_count')).toContain(
      '{num_response="0",query="nonexistent.example.org.",query_type="A",response="",return_code="NXDOMAIN"} 2',
    );
  });

  it('takes bytes from Retina extensions', () => {
    const f = (bytes: unknown) =>
      ev({
        verdict: 'FORWARDED',
        event_type: { type: 4 },
        traffic_direction: 'EGRESS',
        extensions: { bytes },
      });
    const text = runPipeline('networkobservability', [[f(1514), f('60'), f(undefined)]]).render();
    expect(seriesOf(text, 'networkobservability_forward_bytes')).toEqual(['{direction="egress"} 1574']);
    expect(seriesOf(text, 'networkobservability_forward_count')).toEqual(['{direction="egress"} 3']);
  });
});
