/**
 * Terminal safety (flowlens divergence from hubble v0.12.3): no C0/C1 control character or
 * DEL from a flow string reaches the output of compact, dict or table; they become `\xHH`.
 */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../flow/index.js';
import { createPrinter, defaultPrinterOptions, sanitize, type OutputFormat } from './index.js';

const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/; // all but the line feed
const ESC_SEQ = /\u001b\[\d+m/g; // our own color sequences

const cases: { name: string; input: string; want: string }[] = [
  { name: 'plain text unchanged', input: 'frontend-7d9f/x\\y', want: 'frontend-7d9f/x\\y' },
  { name: 'ESC', input: 'a\u001b[2Jb', want: 'a\\x1b[2Jb' },
  { name: 'CR, LF and TAB', input: '\r\n\t', want: '\\x0d\\x0a\\x09' },
  { name: 'NUL and BEL', input: '\u0000\u0007', want: '\\x00\\x07' },
  { name: 'DEL', input: 'x\u007f', want: 'x\\x7f' },
  { name: 'C1 CSI and NEL', input: '\u009b31m\u0085', want: '\\x9b31m\\x85' },
  { name: 'printable Unicode unchanged', input: 'é 😀 \u00a0', want: 'é 😀 \u00a0' },
];

describe('sanitize', () => {
  for (const c of cases) {
    it(`escapes ${c.name}`, () => {
      expect(sanitize(c.input)).toBe(c.want);
    });
  }
});

const evil = '\u001b]0;pwned\u0007\r\u009b2J\u007f';
const hostile: FlowEvent = {
  node_name: 'n' + evil,
  flow: {
    time: '2024-05-01T12:00:00Z',
    node_name: 'node' + evil,
    IP: { source: '10.0.0.1' + evil, destination: '10.0.0.2' },
    l4: { UDP: { source_port: 1, destination_port: 53 } },
    source: { namespace: 'ns' + evil, pod_name: 'pod' + evil, identity: 5 },
    destination_names: ['evil.com' + evil, 'b\tc'],
    l7: { type: 'REQUEST', dns: { query: 'x' + evil, observation_source: 'proxy' + evil } },
    is_reply: false,
    verdict: 'FORWARDED',
    Summary: 'DNS Query x' + evil + ' A',
  },
};
const hostileNoIp: FlowEvent = {
  flow: { ethernet: { source: 'aa' + evil, destination: 'bb' }, Summary: 's' },
};
const hostileService: FlowEvent = {
  flow: { IP: {}, destination_service: { name: 'svc' + evil, namespace: 'ns\u001b' } },
};

describe('printers > control characters never reach the terminal raw', () => {
  const formats: OutputFormat[] = ['compact', 'dict', 'table'];
  for (const format of formats) {
    for (const color of [false, true]) {
      it(`${format} with color ${color ? 'on' : 'off'}`, () => {
        const p = createPrinter({ ...defaultPrinterOptions, format, color, printNodeName: true });
        const out = [hostile, hostileNoIp, hostileService].map((e) => p.event(e)).join('') + p.footer();
        expect(out.replace(ESC_SEQ, '')).not.toMatch(RAW_CONTROL);
        expect(out).toContain('pod\\x1b]0;pwned\\x07\\x0d\\x9b2J\\x7f');
        expect(out).toContain('evil.com\\x1b]0;pwned');
        expect(out).toContain('b\\x09c');
        expect(out).toContain('svc\\x1b');
        // Our own color sequences survive (table is never colored).
        if (color && format !== 'table') expect(out).toContain('\u001b[36m');
        if (format === 'table') expect(out).not.toContain('\u001b');
      });
    }
  }

  it('escapes the DNS observation source in the TYPE column', () => {
    const p = createPrinter({ ...defaultPrinterOptions });
    expect(p.event(hostile)).toContain(' dns-request proxy\\x1b]0;pwned');
  });

  it('leaves JSON output to the codec, which escapes control characters', () => {
    const p = createPrinter({ ...defaultPrinterOptions, format: 'jsonpb' });
    const out = p.event(hostile);
    expect(out.slice(0, -1)).not.toMatch(/[\u0000-\u001f]/);
    expect(out).toContain('\\u001b]0;pwned\\u0007\\r');
  });
});
