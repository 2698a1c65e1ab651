import { describe, expect, it } from 'vitest';
import { FIXTURES, ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('drop handler', () => {
  it('counts the 22 golden policy drops', () => {
    expect(seriesOf(runPipeline('drop', [FIXTURES.golden]).render(), 'hubble_drop_total')).toEqual([
      '{protocol="TCP",reason="POLICY_DENIED"} 22',
    ]);
  });

  it('labels drops by source and destination namespace', () => {
    const s = seriesOf(
      runPipeline('drop:sourceContext=namespace;destinationContext=namespace', [FIXTURES.golden]).render(),
      'hubble_drop_total',
    );
    expect(s).toContain('{destination="identity",protocol="TCP",reason="POLICY_DENIED",source="shop"} 3');
    expect(s).toContain('{destination="payments",protocol="TCP",reason="POLICY_DENIED",source=""} 3');
    expect(s.reduce((n, l) => n + Number(l.split(' ').pop()), 0)).toBe(22);
  });

  it('reads exporter files whose field mask removed event_type (protocol is then Unknown flow)', () => {
    expect(
      seriesOf(
        runPipeline('drop:sourceContext=pod;destinationContext=pod', [FIXTURES.drops]).render(),
        'hubble_drop_total',
      ),
    ).toEqual([
      '{destination="",protocol="Unknown flow",reason="INVALID_SOURCE_IP",source=""} 1',
      '{destination="default/deathstar-7848d6c4d5-th9v2",protocol="Unknown flow",reason="POLICY_DENIED",source="default/xwing"} 1',
    ]);
  });

  const cases = [
    {
      name: 'L7 denial without drop reason',
      flow: { verdict: 'DROPPED', event_type: { type: 129 }, l7: { http: {} } },
      want: '{protocol="HTTP",reason="DROP_REASON_UNKNOWN"} 1',
    },
    {
      name: 'reason without enum name',
      flow: { verdict: 'DROPPED', event_type: { type: 1 }, l4: { UDP: {} }, drop_reason_desc: 999 },
      want: '{protocol="UDP",reason="999"} 1',
    },
  ] as const;
  for (const c of cases) {
    it(`reason > ${c.name}`, () => {
      expect(seriesOf(runPipeline('drop', [[ev(c.flow)]]).render(), 'hubble_drop_total')).toEqual([c.want]);
    });
  }
});
