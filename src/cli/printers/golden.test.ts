/**
 * Golden tests: the printers must reproduce, byte for byte, what the real hubble CLI v0.12.3
 * printed for test/golden-hubble/input.jsonl (commands in test/golden-hubble/README.md).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { createPrinter, defaultPrinterOptions, type PrinterOptions } from './index.js';

const dir = fileURLToPath(new URL('../../../test/golden-hubble/', import.meta.url));
const read = (name: string): string => readFileSync(dir + name, 'utf8');

const events: FlowEvent[] = read('input.jsonl')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => decodeEvent(JSON.parse(l)));

function render(opts: Partial<PrinterOptions>): string {
  const p = createPrinter({ ...defaultPrinterOptions, timeZone: 'UTC', ...opts });
  let out = '';
  for (const ev of events) out += p.event(ev);
  return out + p.footer();
}

/** Compares whole outputs; on mismatch fails with the first differing line. */
function expectSameBytes(got: string, want: string): void {
  if (got === want) return;
  const g = got.split('\n');
  const w = want.split('\n');
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  expect.fail(
    `output differs at line ${i + 1} (got ${g.length} lines, want ${w.length}):\n` +
      `  got:  ${JSON.stringify(g[i])}\n  want: ${JSON.stringify(w[i])}`,
  );
}

const cases: { name: string; file: string; opts: Partial<PrinterOptions> }[] = [
  { name: 'compact', file: 'observe-all.compact.txt', opts: { format: 'compact' } },
  { name: 'compact --print-node-name', file: 'observe-all.compact-node.txt', opts: { printNodeName: true } },
  {
    name: 'compact --time-format RFC3339Nano',
    file: 'observe-all.compact-rfc3339nano.txt',
    opts: { timeFormat: 'RFC3339Nano' },
  },
  { name: 'dict', file: 'observe-all.dict.txt', opts: { format: 'dict' } },
  { name: 'table', file: 'observe-all.table.txt', opts: { format: 'table' } },
  { name: 'json', file: 'observe-all.json', opts: { format: 'json' } },
  { name: 'jsonpb', file: 'observe-all.json', opts: { format: 'jsonpb' } },
];

describe('printers > golden hubble v0.12.3 output', () => {
  it('has decoded all 300 input flows', () => {
    expect(events).toHaveLength(300);
    expect(events.every((e) => e.flow !== undefined)).toBe(true);
  });

  for (const c of cases) {
    it(`${c.name} reproduces ${c.file}`, () => {
      expectSameBytes(render(c.opts), read(c.file));
    });
  }

  // The filter goldens need the filter engine; their lines must still be lines we print.
  for (const file of ['filter-dns.compact.txt', 'filter-dropped-shop.compact.txt']) {
    it(`prints every line of ${file} for the same flows`, () => {
      const ours = new Set(render({ format: 'compact' }).split('\n'));
      const lines = read(file)
        .split('\n')
        .filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(ours.has(l), l).toBe(true);
    });
  }

  it('colors never change the text once ANSI sequences are stripped', () => {
    const colored = render({ format: 'compact', color: true });
    expect(colored).toContain('\u001b[');
    expectSameBytes(colored.replace(/\u001b\[\d+m/g, ''), read('observe-all.compact.txt'));
  });
});
