import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('policy handler', () => {
  it('counts the otel TCP sample: 27 L4-only redirects and 65 L7 HTTP records', () => {
    expect(
      seriesOf(runPipeline('policy', [FIXTURES.tcp400]).render(), 'hubble_policy_verdicts_total'),
    ).toEqual([
      '{action="forwarded",direction="egress",match="l7/http"} 65',
      '{action="redirected",direction="egress",match="l4-only"} 27',
    ]);
  });

  it('counts the golden verdicts by match type (absent = none)', () => {
    expect(
      seriesOf(runPipeline('policy', [FIXTURES.golden]).render(), 'hubble_policy_verdicts_total'),
    ).toEqual([
      '{action="dropped",direction="ingress",match="none"} 2',
      '{action="forwarded",direction="egress",match="l7/dns"} 89',
      '{action="forwarded",direction="ingress",match="l3-l4"} 1',
      '{action="forwarded",direction="ingress",match="l3-only"} 1',
      '{action="forwarded",direction="ingress",match="l4-only"} 1',
      '{action="forwarded",direction="ingress",match="l7/http"} 56',
    ]);
  });

  const cases = [
    {
      name: 'verdicts from the host identity are skipped',
      flow: { event_type: { type: 5 }, source: { identity: 1 }, verdict: 'FORWARDED' as const },
      want: [],
    },
    {
      name: 'unknown match type',
      flow: { event_type: { type: 5 }, policy_match_type: 9, verdict: 'AUDIT' as const },
      want: ['{action="audit",direction="traffic_direction_unknown",match="unknown"} 1'],
    },
    {
      name: 'L7 without a record',
      flow: { event_type: { type: 129 }, verdict: 'DROPPED' as const, traffic_direction: 'EGRESS' as const },
      want: ['{action="dropped",direction="egress",match="l7/"} 1'],
    },
    {
      name: 'trace events are ignored',
      flow: { event_type: { type: 4 }, verdict: 'FORWARDED' as const },
      want: [],
    },
  ];
  for (const c of cases) {
    it(`verdicts > ${c.name}`, () => {
      expect(
        seriesOf(runPipeline('policy', [[ev(c.flow)]]).render(), 'hubble_policy_verdicts_total'),
      ).toEqual(c.want);
    });
  }
});
