/** Printer registry, format names, --color resolution and the JSON printers. */
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../../flow/index.js';
import {
  PrinterError,
  PrinterRegistry,
  builtinPrinters,
  createPrinter,
  defaultPrinterOptions,
  resolveColor,
  writePrinted,
  type OutputFormat,
} from './index.js';

const registry = new PrinterRegistry(builtinPrinters);

describe('printer registry', () => {
  const names: { input: string; want?: OutputFormat }[] = [
    { input: 'compact', want: 'compact' },
    { input: 'dict', want: 'dict' },
    { input: 'json', want: 'json' },
    { input: 'JSON', want: 'json' },
    { input: 'jsonpb', want: 'jsonpb' },
    { input: 'table', want: 'table' },
    { input: 'tab', want: 'table' },
    { input: 'Compact' },
    { input: 'yaml' },
    { input: '' },
  ];
  for (const n of names) {
    if (n.want !== undefined) {
      it(`resolves -o ${n.input} to ${n.want}`, () => {
        expect(registry.resolve(n.input)).toBe(n.want);
        expect(registry.create({ ...defaultPrinterOptions, format: n.input as OutputFormat }).format).toBe(
          n.want,
        );
      });
    } else {
      it(`rejects -o ${JSON.stringify(n.input)} with hubble's message`, () => {
        expect(() => registry.resolve(n.input)).toThrowError(`invalid output format: ${n.input}`);
        try {
          registry.resolve(n.input);
        } catch (e) {
          expect(e).toBeInstanceOf(PrinterError);
          expect((e as PrinterError).code).toBe('INVALID_OUTPUT_FORMAT');
        }
      });
    }
  }

  it('lists every accepted name', () => {
    expect(registry.names()).toEqual(['compact', 'dict', 'json', 'JSON', 'jsonpb', 'table', 'tab']);
  });

  it('fails at construction on duplicate names', () => {
    expect(
      () => new PrinterRegistry([...builtinPrinters, { ...builtinPrinters[0], name: 'dict', aliases: [] }]),
    ).toThrowError('duplicate output format: dict');
  });
});

describe('resolveColor', () => {
  const cases: { flag: string; isTTY: boolean; noColor?: string; term?: string; want: boolean }[] = [
    { flag: 'always', isTTY: false, want: true },
    { flag: 'ALWAYS', isTTY: false, noColor: '1', want: true },
    { flag: 'never', isTTY: true, want: false },
    { flag: 'auto', isTTY: true, term: 'xterm', want: true },
    { flag: 'auto', isTTY: false, term: 'xterm', want: false },
    { flag: 'auto', isTTY: true, noColor: '1', want: false },
    { flag: 'auto', isTTY: true, noColor: '', want: true },
    { flag: 'auto', isTTY: true, term: 'dumb', want: false },
    { flag: 'sometimes', isTTY: true, want: true },
    { flag: 'sometimes', isTTY: false, want: false },
  ];
  for (const c of cases) {
    it(`--color ${c.flag} (tty ${c.isTTY}, NO_COLOR ${JSON.stringify(c.noColor)}, TERM ${c.term}) → ${c.want}`, () => {
      expect(resolveColor(c.flag, c)).toBe(c.want);
    });
  }
});

describe('json printers', () => {
  const ev: FlowEvent = {
    flow: { time: '2024-05-01T12:00:00Z', verdict: 'FORWARDED', node_name: 'n', Summary: '<x>' },
    node_name: 'n',
    time: '2024-05-01T12:00:00Z',
  };
  const wrapped =
    '{"flow":{"time":"2024-05-01T12:00:00Z","verdict":"FORWARDED","node_name":"n","Summary":"\\u003cx\\u003e"},"node_name":"n","time":"2024-05-01T12:00:00Z"}\n';
  const bare =
    '{"time":"2024-05-01T12:00:00Z","verdict":"FORWARDED","node_name":"n","Summary":"\\u003cx\\u003e"}\n';

  it('jsonpb and json print the GetFlowsResponse, ignoring formatting flags', () => {
    for (const format of ['json', 'jsonpb'] as OutputFormat[]) {
      const p = createPrinter({
        ...defaultPrinterOptions,
        format,
        color: true,
        printNodeName: true,
        timeFormat: 'RFC1123Z',
      });
      expect(p.event(ev)).toBe(wrapped);
      expect(p.event({ lost_events: { num_events_lost: '1' } })).toBe('');
      expect(p.footer()).toBe('');
    }
  });

  it('HUBBLE_COMPAT=legacy-json-output makes -o json print the bare flow, not -o jsonpb', () => {
    expect(createPrinter({ ...defaultPrinterOptions, format: 'json', legacyJson: true }).event(ev)).toBe(
      bare,
    );
    expect(createPrinter({ ...defaultPrinterOptions, format: 'jsonpb', legacyJson: true }).event(ev)).toBe(
      wrapped,
    );
  });
});

describe('writePrinted', () => {
  it('routes flows to stdout and node status to stderr', () => {
    const out: string[] = [];
    const err: string[] = [];
    const sink = { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    const p = createPrinter({ ...defaultPrinterOptions });
    writePrinted(p, { flow: { Summary: 'a' } }, sink);
    writePrinted(p, { node_status: { state_change: 'NODE_ERROR', node_names: ['x'] } }, sink);
    writePrinted(p, { node_status: { state_change: 'NODE_CONNECTED', node_names: ['x'] } }, sink);
    writePrinted(p, { lost_events: {} }, sink);
    writePrinted(p, {}, sink);
    expect(out).toEqual(['N/A:  (unknown) <>  (unknown) UNKNOWN VERDICT_UNKNOWN (a)\n']);
    expect(err).toEqual(['N/A []: Error "" on 1 nodes: x\n']);
  });
});
