/**
 * Writes a realistic flow log for the benchmarks: the 300 varied flows of the hubble golden input
 * (TCP, UDP, ICMP, DNS, HTTP, drops, policy verdicts over 5 namespaces and 3 nodes, about
 * 1.5 KB each) cycled with fresh times and uuids.
 *
 *   npx tsx bench/gen-flows.ts [count=1000000] [out=bench/out/flows-1m.jsonl]
 */
import { mkdirSync, readFileSync, createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { decodeEvent, encodeEvent, timeFromMillis } from '../src/flow/index.js';

const count = Number(process.argv[2] ?? 1_000_000);
const out = process.argv[3] ?? 'bench/out/flows-1m.jsonl';
const templates = readFileSync(new URL('../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => decodeEvent(JSON.parse(l)));

mkdirSync(dirname(out), { recursive: true });
const ws = createWriteStream(out);
const start = Date.parse('2024-05-01T12:00:00Z');
let buf = '';
let bytes = 0;
for (let i = 0; i < count; i++) {
  const t = templates[i % templates.length];
  const time = timeFromMillis(start + i * 0.1 + (i % 7) * 0.000013);
  const uuid = `${(i >>> 0).toString(16).padStart(8, '0')}-0000-4000-8000-${(i * 7919).toString(16).padStart(12, '0').slice(-12)}`;
  const ev = { ...t, time, flow: { ...t.flow, time, uuid } };
  buf += encodeEvent(ev) + '\n';
  if (buf.length > 1 << 20) {
    bytes += buf.length;
    if (!ws.write(buf)) await new Promise((r) => ws.once('drain', r));
    buf = '';
  }
}
bytes += buf.length;
ws.end(buf);
await new Promise((r) => ws.on('finish', r));
console.log(
  `wrote ${count} flows (${(bytes / 1e6).toFixed(0)} MB, ${(bytes / count).toFixed(0)} B/flow) to ${out}`,
);
