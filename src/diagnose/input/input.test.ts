/**
 * The file and server adapters: line splitting over chunk boundaries, the canonical fast path,
 * parallel reads equal to serial ones, and paging through a server's flows.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEvent, type FlowEvent } from '../../flow/index.js';
import { loadScenario, simulate } from '../../sim/index.js';
import { DiagnosisAccumulator, diagnose } from '../index.js';
import { tcp } from '../testing.js';
import { blockCount, newControl, readBlocks, unclaimed } from './blocks.js';
import { LineFeeder } from './lines.js';
import { accumulateFlowLogs } from './read.js';
import { fetchDiagnosis, fetchFlows, serverBase } from './server.js';

const T0 = Date.parse('2025-06-02T09:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'flowlens-diag-'));
const events: FlowEvent[] = [...simulate(loadScenario('tcp-resets'), { seed: 9, durationMs: 90_000 })];
const text = events.map((e) => encodeEvent(e)).join('\n') + '\n';

function feed(chunks: Buffer[]): { acc: DiagnosisAccumulator; feeder: LineFeeder; warnings: string[] } {
  const acc = new DiagnosisAccumulator();
  const warnings: string[] = [];
  const feeder = new LineFeeder(acc, 1 << 20, (m, line) => warnings.push(`line ${line}: ${m}`));
  for (const c of chunks) feeder.push(c);
  feeder.end();
  return { acc, feeder, warnings };
}

describe('LineFeeder', () => {
  it('gives the same aggregate whatever the chunking', () => {
    const buf = Buffer.from(text);
    const whole = feed([buf]);
    const pieces: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 7919) pieces.push(buf.subarray(i, i + 7919));
    const chunked = feed(pieces);
    expect(chunked.feeder.stats.events).toBe(events.length);
    expect(JSON.stringify(diagnose(chunked.acc, { clock: () => 0 }))).toBe(
      JSON.stringify(diagnose(whole.acc, { clock: () => 0 })),
    );
    expect(whole.feeder.stats.decoded).toBe(0);
  });

  it('counts invalid and too-long lines, accepts CRLF and a last line without newline', () => {
    const good = encodeEvent(tcp(T0, 'a/x-0', 'a/y-0', 80));
    const long = '{"flow":{"time":"' + 'x'.repeat(3 << 20) + '"}}';
    const { feeder, warnings } = feed([Buffer.from(`${good}\r\nnot json\n\n${long}\n${good}`)]);
    expect(feeder.stats).toMatchObject({ events: 2, invalid: 1, tooLong: 1 });
    expect(warnings.join('\n')).toMatch(/line 2: invalid JSON/);
  });

  it('numbers lines the same whatever the chunking, blank lines included', () => {
    const good = encodeEvent(tcp(T0, 'a/x-0', 'a/y-0', 80));
    const text = `${good}\n\n\nnot json\r\n${good}\n`;
    const whole = feed([Buffer.from(text)]);
    expect(whole.warnings).toEqual([expect.stringMatching(/^line 4: invalid JSON/)]);
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, good.length, good.length + 1, good.length + 2]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      const chunked = feed(pieces);
      expect(chunked.warnings).toEqual(whole.warnings);
      expect(chunked.feeder.stats).toEqual(whole.feeder.stats);
    }
    expect(whole.feeder.stats).toMatchObject({ lines: 5, events: 2, invalid: 1 });
  });

  it('decodes every line that is not in canonical form, and only those', () => {
    const canonical = encodeEvent(tcp(T0, 'a/x-0', 'a/y-0', 80));
    // Canonical-looking prefix but an enum as a number: used raw, it would not count as forwarded.
    const odd = canonical.replace('"verdict":"FORWARDED"', '"verdict":1');
    const bare = JSON.stringify(JSON.parse(canonical).flow);
    const lines = [canonical, bare, odd, canonical, odd, canonical];
    const { acc, feeder } = feed([Buffer.from(lines.join('\n'))]);
    expect(feeder.stats.events).toBe(6);
    expect(feeder.stats.decoded).toBe(3);
    expect(acc.traffic.edges.map.get('a/x>a/y')!.forwarded.total).toBe(6);
  });

  it('splits large regions into pieces without losing or merging lines', () => {
    // Lines longer and shorter than the 64 KiB decode piece, blank lines, one chunk of ~1 MB.
    const big = encodeEvent(tcp(T0, 'a/x-0', 'a/y-0', 80, { Summary: 'x'.repeat(100_000) }));
    const small = encodeEvent(tcp(T0, 'a/x-0', 'a/y-0', 80));
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) lines.push(i % 300 === 7 ? big : i % 50 === 3 ? '' : small);
    const { feeder } = feed([Buffer.from(lines.join('\n') + '\n')]);
    expect(feeder.stats.lines).toBe(2000);
    expect(feeder.stats.events).toBe(2000 - lines.filter((l) => l === '').length);
    expect(feeder.stats.invalid).toBe(0);
  });

  it('reads non-ASCII (UTF-8) chunks correctly', () => {
    const ev = tcp(T0, 'a/x-0', 'a/y-0', 80, { Summary: 'héllo ✓' });
    const { feeder } = feed([Buffer.from(encodeEvent(ev) + '\n')]);
    expect(feeder.stats).toMatchObject({ events: 1, invalid: 0 });
  });
});

describe('accumulateFlowLogs', () => {
  const file = join(dir, 'flows.json');
  writeFileSync(file, text);
  writeFileSync(join(dir, 'flows.json.gz'), gzipSync(text));

  it('reads in parallel threads claiming blocks with the same result as one thread', async () => {
    const serial = await accumulateFlowLogs([file], { workers: 1 });
    const expected = JSON.stringify(diagnose(serial.acc, { clock: () => 0 }));
    for (const mainThreadReads of [true, false]) {
      const warnings: string[] = [];
      const parallel = await accumulateFlowLogs([file], {
        workers: 3,
        parallelMinBytes: 1,
        blockBytes: 100_003, // many blocks, cut mid-line
        mainThreadReads,
        onWarning: (m) => warnings.push(m),
      });
      expect(warnings).toEqual([]);
      expect(parallel.workers).toBe(3);
      expect(parallel.stats).toEqual(serial.stats);
      expect(parallel.stats.events).toBe(events.length);
      expect(JSON.stringify(diagnose(parallel.acc, { clock: () => 0 }))).toBe(expected);
    }
  }, 120_000);

  it('reads the ranges of readers that never start by stealing them, in contiguous parts', () => {
    const job = {
      path: file,
      size: Buffer.byteLength(text),
      blockBytes: 50_021,
      maxLineBytes: 1 << 20,
      accumulator: {},
      control: newControl(3, Math.ceil(Buffer.byteLength(text) / 50_021)),
    };
    const blocks = blockCount(job);
    expect(blocks).toBeGreaterThan(20);
    const parts = readBlocks(job, 0); // readers 1 and 2 never come
    expect(unclaimed(job.control)).toBe(0);
    expect(parts.length).toBeGreaterThan(2);
    // The parts cover every block once, each a run of consecutive blocks.
    const owned = parts.flatMap((p) => p.blockLines.map(([b]) => b)).sort((a, b) => a - b);
    expect(new Set(owned).size).toBe(owned.length);
    expect(parts.reduce((n, p) => n + p.stats.events, 0)).toBe(events.length);
    const acc = new DiagnosisAccumulator();
    for (const p of [...parts].sort((a, b) => a.first - b.first)) acc.merge(p.acc);
    const whole = feed([Buffer.from(text)]);
    expect(JSON.stringify(diagnose(acc, { clock: () => 0 }))).toBe(
      JSON.stringify(diagnose(whole.acc, { clock: () => 0 })),
    );
  });

  it('numbers bad lines by their line in the file when reading in parallel', async () => {
    const good = text.split('\n').slice(0, 3000);
    const lines: string[] = [];
    for (let i = 0; i < good.length; i++) {
      lines.push(good[i]);
      if (i % 400 === 7) lines.push('{"flow": not json');
      if (i === 1500) lines.push('x'.repeat(300_000)); // longer than a block, and than maxLineBytes
      if (i === 2100) lines.push('');
      if (i === 2200) lines.push(good[i] + '\r');
    }
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, lines.join('\n') + '\n{"flow":"last line, no newline"}');
    const read = async (opts: Parameters<typeof accumulateFlowLogs>[1]) => {
      const warnings: string[] = [];
      const r = await accumulateFlowLogs([bad], {
        maxLineBytes: 200_000,
        ...opts,
        onWarning: (m) => warnings.push(m),
      });
      return { stats: r.stats, warnings, findings: JSON.stringify(diagnose(r.acc, { clock: () => 0 })) };
    };
    const serial = await read({ workers: 1 });
    expect(serial.stats.invalid).toBe(9);
    expect(serial.stats.tooLong).toBe(1);
    expect(serial.warnings[0]).toBe(
      `${bad}: line 9: invalid JSON: ${serial.warnings[0].split('invalid JSON: ')[1]}`,
    );
    expect(serial.warnings.some((w) => w.startsWith(`${bad}: line 1506: line too long`))).toBe(true);
    expect(serial.warnings.at(-1)).toMatch(new RegExp(`: line ${lines.length + 1}: not a flow`));
    for (const blockBytes of [65_536, 99_991, 1 << 20]) {
      const parallel = await read({ workers: 3, parallelMinBytes: 1, blockBytes, mainThreadReads: false });
      expect(parallel).toEqual(serial);
    }
  }, 120_000);

  it('reads gzip files and stdin', async () => {
    const gz = await accumulateFlowLogs([join(dir, 'flows.json.gz')]);
    expect(gz.stats.events).toBe(events.length);
    const { Readable } = await import('node:stream');
    const stdin = await accumulateFlowLogs(['-'], {
      stdin: Readable.from([Buffer.from(text.slice(0, 100_000))]),
    });
    expect(stdin.stats.lines).toBeGreaterThan(10);
  });

  it('fails clearly on a missing file', async () => {
    await expect(accumulateFlowLogs([join(dir, 'nope.json')])).rejects.toThrow(/no such file/);
  });
});

describe('server adapter', () => {
  let server: Server;
  let base = '';
  const requests: string[] = [];
  const all = events.filter((e) => e.flow).slice(0, 25_000);
  if (all.length < 20_001) throw new Error('the scenario run is too short for paging');

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url!);
      const url = new URL(req.url!, 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/api/v1/diagnosis') {
        res.statusCode = 404;
        res.end('{"error":{"code":"not_found","message":"no"}}');
        return;
      }
      const since = url.searchParams.get('since');
      const from = since ? all.findIndex((e) => Date.parse(e.flow!.time!) >= Date.parse(since)) : 0;
      const page = from < 0 ? [] : all.slice(from, from + 10_000);
      res.end(
        JSON.stringify({
          flows: page,
          truncated: from >= 0 && from + 10_000 < all.length,
          coverage: { examined: page.length, lost: 0, nodes: [] },
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const addr = server.address() as { port: number };
    base = `127.0.0.1:${addr.port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('pages through the flows without losing or repeating any', async () => {
    const got: FlowEvent[] = [];
    for await (const batch of fetchFlows(base)) got.push(...batch);
    expect(got.length).toBe(all.length);
    expect(new Set(got.map((e) => e.flow!.uuid)).size).toBe(all.length);
    expect(requests.filter((r) => r.startsWith('/api/v1/flows')).length).toBeGreaterThanOrEqual(3);
  });

  it('answers undefined when the server has no diagnosis route', async () => {
    expect(await fetchDiagnosis(base)).toBeUndefined();
    expect(serverBase('host:1234')).toBe('http://host:1234');
    expect(serverBase('https://h/')).toBe('https://h');
  });
});
