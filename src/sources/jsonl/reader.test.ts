import { mkdtempSync, writeFileSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeEvent, rawAsciiJson, rawJson, type FlowEvent } from '../../flow/index.js';
import { readFlowLog, FlowLogError } from './index.js';
import { splitLines } from './line-splitter.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-reader-'));
const golden = readFileSync(new URL('../../../test/golden-hubble/input.jsonl', import.meta.url), 'utf8');
const goldenLines = golden.split('\n').filter(Boolean);

async function readAll(inputs: string[], opts: Parameters<typeof readFlowLog>[1] = {}) {
  const warnings: string[] = [];
  const reader = await readFlowLog(inputs, { ...opts, onWarning: (m) => warnings.push(m) });
  const events: FlowEvent[] = [];
  for await (const batch of reader) events.push(...batch);
  return { events, warnings, stats: reader.stats };
}

function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('readFlowLog', () => {
  it('reads every golden line and re-encodes it byte for byte', async () => {
    const { events, warnings, stats } = await readAll([file('g.jsonl', golden)]);
    expect(warnings).toEqual([]);
    expect(stats.events).toBe(300);
    expect(events.map((e) => encodeEvent(e))).toEqual(goldenLines);
  });

  const bad: { name: string; content: string | Buffer; wantEvents: number; wantWarnings: RegExp[] }[] = [
    {
      name: 'invalid JSON is reported with its line number and the rest is read',
      content: `${goldenLines[0]}\n{not json\n${goldenLines[1]}\n`,
      wantEvents: 2,
      wantWarnings: [/^line 2: invalid JSON/],
    },
    {
      name: 'a JSON value that is not a flow is reported',
      content: `${goldenLines[0]}\n{"flow":{"verdict":"forwarded"}}\n[1,2]\n`,
      wantEvents: 1,
      wantWarnings: [/^line 2: not a flow: .*enum/, /^line 3: (invalid JSON|not a flow)/],
    },
    {
      name: 'blank lines and CRLF are survived',
      content: `\n${goldenLines[0]}\r\n\r\n   \n${goldenLines[1]}\r\n`,
      wantEvents: 2,
      wantWarnings: [],
    },
    {
      name: 'a truncated last line is reported',
      content: `${goldenLines[0]}\n${goldenLines[1].slice(0, 50)}`,
      wantEvents: 1,
      wantWarnings: [/^line 2: invalid JSON/],
    },
    {
      name: 'a last line without newline is read',
      content: `${goldenLines[0]}\n${goldenLines[1]}`,
      wantEvents: 2,
      wantWarnings: [],
    },
    {
      name: 'binary garbage is survived',
      content: Buffer.concat([
        Buffer.from(goldenLines[0] + '\n'),
        Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a]),
        Buffer.from(goldenLines[1] + '\n'),
      ]),
      wantEvents: 2,
      wantWarnings: [/^line 2: invalid UTF-8/],
    },
    {
      name: 'unknown fields warn once and the flows are kept',
      content: `{"flow":{"uuid":"a","newField":1},"time":"2024-05-01T12:00:00Z"}\n{"flow":{"uuid":"b","other":2}}\n`,
      wantEvents: 2,
      wantWarnings: [/^line 1: unknown field detected.*flow.newField/],
    },
  ];
  for (const c of bad) {
    it(c.name, async () => {
      const { events, warnings } = await readAll([file(`bad-${c.name.length}.jsonl`, c.content)]);
      expect(events.length).toBe(c.wantEvents);
      expect(warnings.length).toBe(c.wantWarnings.length);
      c.wantWarnings.forEach((re, i) => expect(warnings[i]).toMatch(re));
    });
  }

  it('accepts bare flow lines and fills the wrapper from the flow', async () => {
    const { events } = await readAll([
      file('bare.jsonl', '{"time":"2024-05-01T12:00:00Z","verdict":"DROPPED","node_name":"n1"}\n'),
    ]);
    expect(events[0]).toEqual({
      flow: { time: '2024-05-01T12:00:00Z', verdict: 'DROPPED', node_name: 'n1' },
      node_name: 'n1',
      time: '2024-05-01T12:00:00Z',
    });
  });

  it('handles lines up to 16 MiB and reports longer ones without buffering them', async () => {
    const big = `{"flow":{"Summary":"${'x'.repeat(15 * 1024 * 1024)}"}}`;
    const huge = `{"flow":{"Summary":"${'y'.repeat(17 * 1024 * 1024)}"}}`;
    const { events, warnings, stats } = await readAll([
      file('big.jsonl', `${big}\n${huge}\n${goldenLines[0]}\n`),
    ]);
    expect(events.length).toBe(2);
    expect(events[0].flow?.Summary?.length).toBe(15 * 1024 * 1024);
    expect(stats.tooLong).toBe(1);
    expect(warnings[0]).toMatch(/^line 2: line too long/);
  });

  it('reads gzip files transparently', async () => {
    const { events } = await readAll([file('g.jsonl.gz', gzipSync(golden))]);
    expect(events.length).toBe(300);
  });

  it('merges several files in time order', async () => {
    const a = goldenLines.filter((_, i) => i % 2 === 0).join('\n') + '\n';
    const b = goldenLines.filter((_, i) => i % 2 === 1).join('\n') + '\n';
    const { events } = await readAll([file('a.jsonl', a), file('b.jsonl', b)]);
    const times = events.map((e) => Date.parse(e.time!));
    expect(events.length).toBe(300);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('expands globs', async () => {
    file('glob-1.jsonl', goldenLines[0] + '\n');
    file('glob-2.jsonl', goldenLines[1] + '\n');
    const { events } = await readAll([join(dir, 'glob-*.jsonl')]);
    expect(events.length).toBe(2);
  });

  it('reads stdin for "-"', async () => {
    const { events } = await readAll(['-'], { stdin: Readable.from([Buffer.from(golden)]) });
    expect(events.length).toBe(300);
  });

  it('skips lines the prefilter rejects without parsing them, but still reports garbage', async () => {
    const { events, stats, warnings } = await readAll([file('pf.jsonl', golden + 'garbage\n')], {
      prefilter: (l) => l.includes('"DROPPED"'),
    });
    expect(events.every((e) => e.flow?.verdict === 'DROPPED')).toBe(true);
    expect(stats.prefiltered + stats.events).toBe(300);
    expect(warnings).toHaveLength(1);
  });

  const failing: { name: string; input: () => string; want: RegExp }[] = [
    {
      name: 'missing file',
      input: () => join(dir, 'nope.jsonl'),
      want: /failed to open .*nope.jsonl: no such file or directory/,
    },
    { name: 'directory', input: () => dir, want: /is a directory/ },
    { name: 'empty glob', input: () => join(dir, 'zzz-*.jsonl'), want: /no files match/ },
  ];
  for (const c of failing) {
    it(`fails clearly on a ${c.name}`, async () => {
      await expect(readFlowLog([c.input()])).rejects.toThrow(FlowLogError);
      await expect(readFlowLog([c.input()])).rejects.toThrow(c.want);
    });
  }

  it.skipIf(process.getuid?.() === 0)('fails clearly on an unreadable file', async () => {
    const p = file('locked.jsonl', goldenLines[0]);
    chmodSync(p, 0o000);
    await expect(readFlowLog([p])).rejects.toThrow(/permission denied/);
  });
});

describe('readFlowLog keepRaw', () => {
  const cases: { name: string; line: string; want: boolean }[] = [
    { name: 'a canonical golden line', line: goldenLines[0], want: true },
    { name: 'keys out of order', line: '{"time":"2024-05-01T12:00:00Z","flow":{"uuid":"a"}}', want: false },
    {
      name: 'a default value present',
      line: '{"flow":{"uuid":"a","verdict":"VERDICT_UNKNOWN"}}',
      want: false,
    },
    { name: 'an enum as a number', line: '{"flow":{"verdict":2}}', want: false },
    { name: 'a camelCase key', line: '{"flow":{"nodeName":"n"}}', want: false },
    { name: 'whitespace outside strings', line: '{"flow": {"uuid":"a"}}', want: false },
    { name: 'spaces inside strings only', line: '{"flow":{"Summary":"TCP Flags: ACK, PSH"}}', want: true },
    { name: 'an HTML character Go escapes', line: '{"flow":{"Summary":"a<b"}}', want: false },
    { name: 'an escape', line: '{"flow":{"Summary":"a\\u0041"}}', want: false },
    {
      name: 'a field v0.12.3 does not write',
      line: '{"flow":{"uuid":"a","emitter":{"name":"Hubble"}}}',
      want: false,
    },
    {
      name: 'a legacy-unnamed drop reason',
      line: '{"flow":{"drop_reason_desc":"UNENCRYPTED_TRAFFIC"}}',
      want: false,
    },
    {
      name: 'a non-canonical timestamp',
      line: '{"flow":{"time":"2024-05-01T12:00:00.500000Z"}}',
      want: false,
    },
    { name: 'an unknown field', line: '{"flow":{"uuid":"a","zzz":1}}', want: false },
    { name: 'a bare flow', line: '{"time":"2024-05-01T12:00:00Z","verdict":"DROPPED"}', want: false },
  ];
  for (const c of cases) {
    it(`${c.want ? 'keeps' : 'does not keep'} ${c.name}`, async () => {
      const { events } = await readAll([file(`raw-${c.name.replace(/\W/g, '_')}.jsonl`, c.line + '\n')], {
        keepRaw: true,
      });
      expect(events).toHaveLength(1);
      expect(rawJson(events[0])).toBe(c.want ? c.line : undefined);
      // Whenever a line is kept, it must equal the re-encoding.
      if (c.want) expect(encodeEvent(events[0])).toBe(c.line);
    });
  }

  it('every kept golden line equals its re-encoding', async () => {
    const { events } = await readAll([file('g2.jsonl', golden)], { keepRaw: true });
    const kept = events.filter((e) => rawJson(e) !== undefined);
    // Lines with escapes (Go-quoted DNS answers) or token-like spaces inside strings
    // ("HTTP/1.1 200 0ms") are re-encoded instead; most lines are reused.
    expect(kept.length).toBeGreaterThan(200);
    expect(kept.every((e) => rawJson(e) === encodeEvent(e))).toBe(true);
  });

  it('never keeps a line with whitespace between tokens', async () => {
    // Re-indent every golden line (spaces after every token) and also add single spaces.
    const spaced = goldenLines.map((l) => JSON.stringify(JSON.parse(l), null, 1).replace(/\n/g, ' '));
    const colon = goldenLines.map((l) => l.replace('"flow":', '"flow": '));
    const { events } = await readAll([file('spaced.jsonl', [...spaced, ...colon].join('\n') + '\n')], {
      keepRaw: true,
    });
    expect(events).toHaveLength(600);
    expect(events.filter((e) => rawJson(e) !== undefined)).toEqual([]);
  });
});

describe('readFlowLog fast paths', () => {
  // Many golden lines (several 256 KiB read chunks and 64 KiB decode regions), with odd lines.
  const many = Array.from({ length: 2000 }, (_, i) => goldenLines[i % goldenLines.length]);

  it('reports a not-a-flow line among thousands of canonical ones, with its line number', async () => {
    const lines = [...many];
    lines[1500] = lines[1500].replace(/"verdict":"[A-Z_]+"/, '"verdict":"forwarded"');
    lines[1700] = lines[1700].replace('"event_type":{', '"event_type":[],"zz":{');
    const { events, warnings, stats } = await readAll([file('fast-bad.jsonl', lines.join('\n') + '\n')]);
    expect(events).toHaveLength(1998);
    expect(stats.invalid).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^line 1501: not a flow: .*enum/);
    expect(warnings[1]).toMatch(/^line 1701: not a flow/);
  });

  it('reads the same events and line numbers however the input is chunked', async () => {
    const text = many.join('\n') + '\n';
    const fromFile = await readAll([file('fast-many.jsonl', text)], { keepRaw: true });
    // One byte at a time through a stream for the first lines, then odd-sized chunks.
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0, n = 1; i < bytes.length; i += n, n = (n * 7 + 3) % 70001)
      chunks.push(bytes.subarray(i, i + n));
    const fromStream = await readAll(['-'], { keepRaw: true, stdin: Readable.from(chunks) });
    expect(fromFile.events).toHaveLength(2000);
    expect(fromStream.events).toEqual(fromFile.events);
    expect(fromFile.events.map((e) => encodeEvent(e))).toEqual(many);
    expect(fromFile.events.map((e) => rawJson(e) ?? encodeEvent(e))).toEqual(many);
  });

  it('reads lines longer than a read chunk (the chunk buffers are reused)', async () => {
    const long = `{"flow":{"Summary":"${'z'.repeat(700 * 1024)}"}}`;
    const lines = [goldenLines[0], long, goldenLines[1], long, goldenLines[2]];
    const { events, warnings } = await readAll([file('fast-long.jsonl', lines.join('\n'))]);
    expect(warnings).toEqual([]);
    expect(events.map((e) => encodeEvent(e))).toEqual(lines);
  });

  it('keeps lines with Go escapes and spaces inside strings; re-encodes the rest', async () => {
    const dns = goldenLines.find((l) => l.includes('\\"'));
    const http = goldenLines.find((l) => /"Summary":"HTTP\/1\.1 \d/.test(l));
    expect(dns).toBeDefined();
    expect(http).toBeDefined();
    const odd = [
      http!.replace('"Summary":"', '"Summary":"\\/'),
      http!.replace('"Summary":"', '"Summary":"\\u0041'),
      dns!.replace('"flow":{', '"flow": {'),
      http!.replace('"Summary":"', '"Summary":"<'),
    ];
    const { events } = await readAll([file('fast-esc.jsonl', [dns, http, ...odd].join('\n') + '\n')], {
      keepRaw: true,
    });
    expect(events.map((e) => rawJson(e) !== undefined)).toEqual([true, true, false, false, false, false]);
    expect(rawAsciiJson(events[0])).toBe(dns);
  });

  it('marks non-ASCII lines so they are written as UTF-8', async () => {
    const line = goldenLines[0]
      .replace('"flow":{', '"flow":{"uuid":"é",')
      .replace(/"uuid":"[^"]*",(?="verdict)/, '');
    const { events } = await readAll([file('fast-utf8.jsonl', `${goldenLines[0]}\n${line}\n`)], {
      keepRaw: true,
    });
    expect(events).toHaveLength(2);
    for (const ev of events) expect(rawAsciiJson(ev)).toBeUndefined();
  });
});

describe('splitLines', () => {
  it('numbers lines across chunk boundaries', async () => {
    const chunks = ['a\nb', 'c\n', '\\\nd\ne\\f\ng'].map((s) => Buffer.from(s));
    const out = [];
    for await (const items of splitLines(Readable.from(chunks))) out.push(...items);
    expect(out).toEqual([
      { kind: 'line', lineNo: 1, text: 'a', plain: true, clean: true, ascii: true },
      { kind: 'line', lineNo: 2, text: 'bc', plain: true, clean: true, ascii: true },
      { kind: 'line', lineNo: 3, text: '\\', plain: false, clean: false, ascii: true },
      { kind: 'line', lineNo: 4, text: 'd', plain: true, clean: true, ascii: true },
      { kind: 'line', lineNo: 5, text: 'e\\f', plain: false, clean: true, ascii: true },
      { kind: 'line', lineNo: 6, text: 'g', plain: true, clean: true, ascii: true },
    ]);
  });
});
