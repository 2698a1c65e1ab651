/** dict printer: the verbatim spec example (§4.2) and block layout rules. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { DictPrinter, defaultPrinterOptions, type PrinterOptions } from './index.js';

// The spec examples come from the same generator as the golden input, started at
// 2024-05-01T12:00:00Z instead of 2026-11-20T08:00:00Z.
const input = fileURLToPath(new URL('../../../test/golden-hubble/input.jsonl', import.meta.url));
const events: FlowEvent[] = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => decodeEvent(JSON.parse(l.replaceAll('2026-11-20T08', '2024-05-01T12'))));

function dict(evs: FlowEvent[], opts: Partial<PrinterOptions> = {}): string {
  const p = new DictPrinter({ ...defaultPrinterOptions, format: 'dict', ...opts });
  return evs.map((e) => p.event(e)).join('') + p.footer();
}

describe('dict printer', () => {
  it('reproduces the spec example (--verdict DROPPED --first 2 --print-node-name)', () => {
    const dropped = events.filter((e) => e.flow?.verdict === 'DROPPED').slice(0, 2);
    expect(dict(dropped, { printNodeName: true })).toBe(
      [
        '  TIMESTAMP: May  1 12:00:00.004',
        '       NODE: kind-worker2',
        '     SOURCE: payments/ledger-d9xjrcrp4-5ctnc:34777',
        'DESTINATION: monitoring/loki-wf867kx7qq-6qgk6:3100',
        '       TYPE: Policy denied',
        '    VERDICT: DROPPED',
        '    SUMMARY: TCP Flags: SYN',
        '------------',
        '  TIMESTAMP: May  1 12:00:00.004',
        '       NODE: kind-worker',
        '     SOURCE: shop/search-v6nkdxz9l-kcz84:39563',
        'DESTINATION: identity/token-issuer-fm4xpr4xwk-qhfms:8080',
        '       TYPE: Policy denied',
        '    VERDICT: DROPPED',
        '    SUMMARY: TCP Flags: SYN',
        '',
      ].join('\n'),
    );
  });

  it('keeps packet order for replies, shows no identities and no Auth suffix', () => {
    const ev: FlowEvent = {
      flow: {
        IP: { source: '1.1.1.1', destination: '2.2.2.2' },
        l4: { TCP: { source_port: 80, destination_port: 5000 } },
        source: { identity: 2 },
        is_reply: true,
        auth_type: 'SPIRE',
        verdict: 'FORWARDED',
        event_type: { type: 4, sub_type: 0 },
        Summary: 's',
      },
    };
    expect(dict([ev])).toBe(
      '  TIMESTAMP: N/A\n     SOURCE: 1.1.1.1:80\nDESTINATION: 2.2.2.2:5000\n       TYPE: to-endpoint\n    VERDICT: FORWARDED\n    SUMMARY: s\n',
    );
  });

  it('leaves a trailing space for empty values and skips non-flow events for the separator', () => {
    const out = dict([{}, { flow: {} }, { lost_events: {} }, { flow: {} }], { printNodeName: true });
    const block =
      '  TIMESTAMP: N/A\n       NODE: \n     SOURCE: \nDESTINATION: \n       TYPE: UNKNOWN\n    VERDICT: VERDICT_UNKNOWN\n    SUMMARY: \n';
    expect(out).toBe(block + '------------\n' + block);
  });

  it('colors hosts, ports and verdict with --color always', () => {
    const ev: FlowEvent = {
      flow: {
        IP: { source: '1.1.1.1', destination: '2.2.2.2' },
        l4: { UDP: { destination_port: 53 } },
        verdict: 'DROPPED',
      },
    };
    const out = dict([ev], { color: true });
    expect(out).toContain('     SOURCE: \u001b[36m1.1.1.1\u001b[0m\n');
    expect(out).toContain('DESTINATION: \u001b[36m2.2.2.2:\u001b[33m53\u001b[0m\u001b[0m\n');
    expect(out).toContain('    VERDICT: \u001b[31mDROPPED\u001b[0m\n');
  });
});
