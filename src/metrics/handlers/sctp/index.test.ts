import { describe, expect, it } from 'vitest';
import { ev, runPipeline, seriesOf } from '../../testing/fixtures.js';

describe('sctp handler', () => {
  it('counts chunk types of forwarded SCTP flows, not UNSUPPORTED ones', () => {
    const f = (chunk: string | number | undefined, verdict: 'FORWARDED' | 'DROPPED' = 'FORWARDED') =>
      ev({
        verdict,
        IP: { ipVersion: 'IPv4' },
        l4: { SCTP: { destination_port: 38412, chunk_type: chunk } },
      });
    const text = runPipeline('sctp', [
      [f('INIT'), f(2), f('INIT'), f(undefined), f('ABORT', 'DROPPED')],
    ]).render();
    expect(seriesOf(text, 'hubble_sctp_chunk_types_total')).toEqual([
      '{chunk_type="INIT",family="IPv4"} 2',
      '{chunk_type="INIT_ACK",family="IPv4"} 1',
    ]);
  });
});
