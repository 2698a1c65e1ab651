/** Node-status responses (hubble-cli-observe.md §4.5): stderr text per format, debug gating. */
import { describe, expect, it } from 'vitest';
import type { FlowEvent, NodeStatusEvent } from '../../flow/index.js';
import { createPrinter, defaultPrinterOptions, type OutputFormat, type PrinterOptions } from './index.js';
import { goQuote } from '../../filter/go-text.js';
import { joinNodeNames } from './node-status.js';

function status(s: NodeStatusEvent, opts: Partial<PrinterOptions> = {}): string {
  const ev: FlowEvent = { node_status: s, node_name: 'relay', time: '2024-05-01T12:00:02Z' };
  const p = createPrinter({ ...defaultPrinterOptions, ...opts });
  expect(p.event(ev)).toBe(''); // never on stdout
  return p.status(ev);
}

const four = ['node-aaaaaaaaaaaaaa', 'node-bbbbbbbbbbbbbbbbbbb', 'node-c', 'node-d'];

const lines: { name: string; s: NodeStatusEvent; debug: boolean; want: string }[] = [
  {
    name: 'unavailable nodes, list cut at 50 bytes (spec example)',
    s: { state_change: 'NODE_UNAVAILABLE', node_names: four },
    debug: false,
    want: 'May  1 12:00:02.000 [relay]: 4 nodes are unavailable: node-aaaaaaaaaaaaaa, node-bbbbbbbbbbbbbbbbbbb (and 2 more)\n',
  },
  {
    name: 'error with a Go-quoted message',
    s: { state_change: 'NODE_ERROR', node_names: ['a', 'b'], message: 'rpc "x" failed\n' },
    debug: false,
    want: 'May  1 12:00:02.000 [relay]: Error "rpc \\"x\\" failed\\n" on 2 nodes: a, b\n',
  },
  {
    name: 'connected hidden without --debug',
    s: { state_change: 'NODE_CONNECTED', node_names: ['a'] },
    debug: false,
    want: '',
  },
  {
    name: 'connected shown with --debug',
    s: { state_change: 'NODE_CONNECTED', node_names: ['a', 'b'] },
    debug: true,
    want: 'May  1 12:00:02.000 [relay]: Receiving flows from 2 nodes: a, b\n',
  },
  {
    name: 'gone hidden without --debug',
    s: { state_change: 'NODE_GONE', node_names: ['a'] },
    debug: false,
    want: '',
  },
  {
    name: 'gone shown with --debug',
    s: { state_change: 'NODE_GONE', node_names: ['a'] },
    debug: true,
    want: 'May  1 12:00:02.000 [relay]: 1 nodes removed from cluster: a\n',
  },
];

describe('node status', () => {
  for (const format of ['compact', 'table'] as OutputFormat[]) {
    for (const c of lines) {
      it(`${format}: ${c.name}`, () => {
        expect(status(c.s, { format, debug: c.debug })).toBe(c.want);
      });
    }
  }

  it('dict: prints a TIMESTAMP/STATE/NODES/MESSAGE block, N/A for an empty message', () => {
    expect(status({ state_change: 'NODE_UNAVAILABLE', node_names: ['a'] }, { format: 'dict' })).toBe(
      '  TIMESTAMP: May  1 12:00:02.000\n      STATE: NODE_UNAVAILABLE\n      NODES: a\n    MESSAGE: N/A\n',
    );
    expect(
      status({ state_change: 'NODE_ERROR', node_names: ['a'], message: 'boom' }, { format: 'dict' }),
    ).toContain('    MESSAGE: "boom"\n');
  });

  it('json/jsonpb: the response as JSON', () => {
    for (const format of ['json', 'jsonpb'] as OutputFormat[]) {
      expect(status({ state_change: 'NODE_ERROR', node_names: ['a'], message: 'm' }, { format })).toBe(
        '{"node_status":{"state_change":"NODE_ERROR","node_names":["a"],"message":"m"},"node_name":"relay","time":"2024-05-01T12:00:02Z"}\n',
      );
      expect(status({ state_change: 'NODE_CONNECTED', node_names: ['a'] }, { format })).toBe('');
    }
  });

  it('prints nothing on stderr for flows and lost events', () => {
    const p = createPrinter({ ...defaultPrinterOptions, debug: true });
    expect(p.status({ flow: {} })).toBe('');
    expect(p.status({ lost_events: { num_events_lost: '1' } })).toBe('');
  });

  const joins: { names: string[]; want: string }[] = [
    { names: [], want: '' },
    { names: ['x'.repeat(60)], want: 'x'.repeat(60) },
    { names: ['x'.repeat(60), 'y'], want: 'x'.repeat(60) + ' (and 1 more)' },
    { names: ['a'.repeat(23), 'b'.repeat(23)], want: 'a'.repeat(23) + ', ' + 'b'.repeat(23) },
    { names: ['a'.repeat(23), 'b'.repeat(24)], want: 'a'.repeat(23) + ' (and 1 more)' },
  ];
  for (const j of joins) {
    it(`joins ${j.names.length} names to ${j.want.length} chars`, () => {
      expect(joinNodeNames(j.names)).toBe(j.want);
    });
  }

  const quotes: { input: string; want: string }[] = [
    { input: 'plain', want: '"plain"' },
    { input: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { input: '\u0007\b\f\n\r\t\v\u0000\u007f', want: '"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"' },
    { input: 'é😀\u0085\u00a0\u{e0001}', want: '"é😀\\u0085\\u00a0\\U000e0001"' },
    // Go strings hold UTF-8: a lone surrogate (possible in JSON text) decodes to U+FFFD there.
    { input: 'a\ud800b', want: '"a\ufffdb"' },
  ];
  for (const q of quotes) {
    it(`go-quotes ${JSON.stringify(q.input)}`, () => {
      expect(goQuote(q.input)).toBe(q.want);
    });
  }
});
