/**
 * Printer throughput: decodes test/golden-hubble/input.jsonl once, then prints it repeatedly.
 * Run: npx tsx bench/printers.ts [seconds-per-format]
 */
import { readFileSync } from 'node:fs';
import { decodeEvent, type FlowEvent } from '../src/flow/index.js';
import { createPrinter, defaultPrinterOptions, type PrinterOptions } from '../src/cli/printers/index.js';

const input = new URL('../test/golden-hubble/input.jsonl', import.meta.url);
const events: FlowEvent[] = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => decodeEvent(JSON.parse(l)));
const seconds = Number(process.argv[2] ?? 2);

// Worst case for the per-second timestamp cache: every flow in a different second.
const spread: FlowEvent[] = events.map((ev, i) => ({
  ...ev,
  flow: { ...ev.flow, time: new Date(Date.UTC(2024, 4, 1) + i * 1001).toISOString().replace('Z', '123456Z') },
}));

function bench(name: string, opts: Partial<PrinterOptions>, input: FlowEvent[] = events): void {
  const p = createPrinter({ ...defaultPrinterOptions, ...opts });
  let n = 0;
  let bytes = 0;
  // Buffer.byteLength flattens V8 rope strings, as writing to stdout would.
  // Warm-up so the JIT has settled before measuring.
  for (let i = 0; i < 20; i++) for (const ev of events) bytes += Buffer.byteLength(p.event(ev));
  bytes += Buffer.byteLength(p.footer());
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (const ev of events) bytes += Buffer.byteLength(p.event(ev));
    bytes += Buffer.byteLength(p.footer());
    n += input.length;
    now = process.hrtime.bigint();
  }
  const secs = Number(now - start) / 1e9;
  console.log(
    `${name.padEnd(28)} ${Math.round(n / secs)
      .toLocaleString('en-US')
      .padStart(12)} flows/s  (${bytes} bytes)`,
  );
}

bench('compact', { format: 'compact' });
bench('compact, new second/flow', { format: 'compact' }, spread);
bench('compact --color always', { format: 'compact', color: true });
bench('compact --print-node-name', { format: 'compact', printNodeName: true });
bench('compact RFC3339Nano', { format: 'compact', timeFormat: 'RFC3339Nano' });
bench('compact Europe/Berlin', { format: 'compact', timeZone: 'Europe/Berlin' });
bench('dict', { format: 'dict' });
bench('table', { format: 'table' });
bench('jsonpb', { format: 'jsonpb' });
