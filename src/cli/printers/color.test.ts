/** --color always: the exact ANSI sequences of hubble-cli-observe.md §4 "Colors". */
import { describe, expect, it } from 'vitest';
import type { Flow, FlowEvent } from '../../flow/index.js';
import { CompactPrinter, defaultPrinterOptions } from './index.js';

const ip4 = { IP: { source: '1.2.3.4', destination: '5.6.7.8' } };

function at(sec: number, f: Flow): FlowEvent {
  return { flow: { time: `2024-05-01T12:00:${String(sec).padStart(2, '0')}.123Z`, ...f } };
}

function print(ev: FlowEvent): string {
  return new CompactPrinter({ ...defaultPrinterOptions, color: true }).event(ev);
}

describe('compact printer > --color always', () => {
  it('colors host, port, identity and verdict (spec example, reply over IPv6)', () => {
    const ev = at(2, {
      IP: { source: 'fd00::1', destination: 'fd00::2' },
      l4: { TCP: { source_port: 80, destination_port: 443 } },
      is_reply: true,
      event_type: { type: 4 },
      verdict: 'FORWARDED',
      Summary: 'TCP Flags: SYN',
    });
    expect(print(ev)).toBe(
      'May  1 12:00:02.123: \u001b[36m[fd00::2]:\u001b[33m443\u001b[0m\u001b[0m \u001b[35m(unknown)\u001b[0m <- ' +
        '\u001b[36m[fd00::1]:\u001b[33m80\u001b[0m\u001b[0m \u001b[35m(unknown)\u001b[0m to-endpoint \u001b[32mFORWARDED\u001b[0m (TCP Flags: SYN)\n',
    );
  });

  it('colors the auth type green (spec example)', () => {
    const ev = at(20, {
      ...ip4,
      l7: { type: 'SAMPLE', http: {} },
      auth_type: 'SPIRE',
      verdict: 'FORWARDED',
      Summary: 'x',
    });
    expect(print(ev)).toBe(
      'May  1 12:00:20.123: \u001b[36m1.2.3.4\u001b[0m \u001b[35m(unknown)\u001b[0m <> \u001b[36m5.6.7.8\u001b[0m \u001b[35m(unknown)\u001b[0m ' +
        'http-sample \u001b[32mFORWARDED\u001b[0m (x; Auth: \u001b[32mSPIRE\u001b[0m)\n',
    );
  });

  const verdicts: { name: string; f: Flow; want: string }[] = [
    { name: 'DROPPED red', f: { verdict: 'DROPPED' }, want: '\u001b[31mDROPPED\u001b[0m' },
    {
      name: 'DENIED red',
      f: { verdict: 'DROPPED', event_type: { type: 5 } },
      want: '\u001b[31mDENIED\u001b[0m',
    },
    { name: 'AUDIT yellow', f: { verdict: 'AUDIT' }, want: '\u001b[33mAUDIT\u001b[0m' },
    { name: 'TRANSLATED yellow', f: { verdict: 'TRANSLATED' }, want: '\u001b[33mTRANSLATED\u001b[0m' },
    { name: 'VERDICT_UNKNOWN uncolored', f: {}, want: ' VERDICT_UNKNOWN (' },
  ];
  for (const v of verdicts) {
    it(`colors verdict ${v.name}`, () => {
      expect(print(at(0, { ...ip4, ...v.f }))).toContain(v.want);
    });
  }

  it('leaves empty hosts (no IP, no ethernet) uncolored and colors TEST_ALWAYS_FAIL red', () => {
    const out = print(at(0, { auth_type: 'TEST_ALWAYS_FAIL', Summary: 'x' }));
    expect(out).toBe(
      'May  1 12:00:00.123:  \u001b[35m(unknown)\u001b[0m <>  \u001b[35m(unknown)\u001b[0m UNKNOWN VERDICT_UNKNOWN (x; Auth: \u001b[31mTEST_ALWAYS_FAIL\u001b[0m)\n',
    );
  });
});
