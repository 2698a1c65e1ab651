/** table printer: the verbatim spec example (§4.3) and the tabwriter alignment rules. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { TablePrinter, alignColumns, defaultPrinterOptions, type PrinterOptions } from './index.js';

// Same generator as the golden input, started at 2024-05-01T12:00:00Z (as in the spec).
const input = fileURLToPath(new URL('../../../test/golden-hubble/input.jsonl', import.meta.url));
const events: FlowEvent[] = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => decodeEvent(JSON.parse(l.replaceAll('2026-11-20T08', '2024-05-01T12'))));

function table(evs: FlowEvent[], opts: Partial<PrinterOptions> = {}): string {
  const p = new TablePrinter({ ...defaultPrinterOptions, format: 'table', ...opts });
  let streamed = '';
  for (const e of evs) streamed += p.event(e);
  expect(streamed).toBe(''); // everything is buffered until the end
  return p.footer();
}

describe('table printer', () => {
  it('reproduces the spec example (--first 6 --print-node-name)', () => {
    expect(table(events.slice(0, 6), { printNodeName: true })).toBe(
      [
        'TIMESTAMP             NODE           SOURCE                                           DESTINATION                                     TYPE                VERDICT     SUMMARY',
        'May  1 12:00:00.000   kind-worker2   identity/sessions-qvd9cvrg4-ltv7d:56967          monitoring/loki-wf867kx7qq-6qgk6:8125           from-endpoint       FORWARDED   UDP',
        'May  1 12:00:00.000   kind-worker    shop/checkout-bvvz9k9w4v-t46hs:39313             payments/payments-worker-8dgjzbzb9-r9vn2:8080   http-request        FORWARDED   HTTP/1.1 POST http://payments-worker.payments.svc.cluster.local:8080/healthz',
        'May  1 12:00:00.000   kind-worker2   payments/ledger-d9xjrcrp4-5ctnc:8080             identity/profile-ncb4dhpj8-zm9lj:37356          to-network          FORWARDED   TCP Flags: ACK, PSH',
        'May  1 12:00:00.000   kind-worker2   payments/ledger-d9xjrcrp4-5ctnc:59391            shop/frontend-9xsnqjszj-g2rhm:8125              from-endpoint       FORWARDED   UDP',
        'May  1 12:00:00.000   kind-worker2   payments/payments-worker-8dgjzbzb9-gldm8:38276   s3.eu-west-1.amazonaws.com:443                  to-endpoint         FORWARDED   TCP Flags: SYN',
        'May  1 12:00:00.001   kind-worker2   identity/sessions-qvd9cvrg4-ltv7d:41392          kube-system/coredns-lmwct7mtj2-khglx:53         dns-request proxy   FORWARDED   DNS Query github.com. A',
        '',
      ].join('\n'),
    );
  });

  it('prints nothing at all (not even the header) without flows', () => {
    expect(table([{}, { lost_events: {} }])).toBe('');
  });

  it('is never colored, keeps the Auth suffix and pads before an empty summary', () => {
    const out = table(
      [
        {
          flow: {
            IP: { source: '1.1.1.1', destination: '2.2.2.2' },
            verdict: 'FORWARDED',
            auth_type: 'SPIRE',
            Summary: 'x',
          },
        },
        { flow: { IP: { source: '1.1.1.1', destination: '2.2.2.2' }, verdict: 'DROPPED' } },
      ],
      { color: true },
    );
    expect(out).not.toContain('\u001b');
    expect(out.split('\n')).toEqual([
      'TIMESTAMP   SOURCE    DESTINATION   TYPE      VERDICT     SUMMARY',
      'N/A         1.1.1.1   2.2.2.2       UNKNOWN   FORWARDED   x; Auth: SPIRE',
      'N/A         1.1.1.1   2.2.2.2       UNKNOWN   DROPPED     ',
      '',
    ]);
  });

  it('measures cell width in code points', () => {
    expect(
      alignColumns([
        ['é😀', 'x'],
        ['abc', 'y'],
      ]),
    ).toBe('é😀    x\nabc   y\n');
  });

  it('empties its buffer after footer()', () => {
    const p = new TablePrinter({ ...defaultPrinterOptions, format: 'table' });
    p.event({ flow: {} });
    expect(p.footer()).not.toBe('');
    expect(p.footer()).toBe('');
  });
});
