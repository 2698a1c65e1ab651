import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineSink } from './line-splitter.js';

type Event = [string, number, string | number];

/** A splitter recording what it reports: ['line', n, text], ['too-long', n, bytes], ['bad', n, ''] */
function recorder(opts: ConstructorParameters<typeof LineSplitter>[1] = {}) {
  const got: Event[] = [];
  const sink: LineSink = {
    region() {},
    line: (text, start, end, n) => void got.push(['line', n, text.slice(start, end)]),
    tooLong: (n, bytes) => void got.push(['too-long', n, bytes]),
    badUtf8: (n) => void got.push(['bad', n, '']),
  };
  return { splitter: new LineSplitter(sink, opts), got };
}

function split(chunks: Array<string | Buffer>, opts: ConstructorParameters<typeof LineSplitter>[1] = {}) {
  const { splitter, got } = recorder(opts);
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.end();
  return got;
}

describe('LineSplitter', () => {
  it('gives the same lines whatever the chunking: CRLF, blank lines, a last line without newline', () => {
    const text = 'a\r\n\nbc\r\n\r\n{"é":1}\nlast';
    const want: Event[] = [
      ['line', 1, 'a'],
      ['line', 2, ''],
      ['line', 3, 'bc'],
      ['line', 4, ''],
      ['line', 5, '{"é":1}'],
      ['line', 6, 'last'],
    ];
    const bytes = Buffer.from(text);
    for (let size = 1; size <= bytes.length; size++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      for (const regionBytes of [1, 4, 64 * 1024]) expect(split(chunks, { regionBytes })).toEqual(want);
    }
  });

  it('skips over-long lines without holding them, and reports their bytes', () => {
    const max = 8;
    // In one chunk (CR not counted), carried across chunks (CR counted: it is not known to end
    // the line until the newline comes), and unterminated at the end.
    expect(split(['ok\n123456789\r\n12345678\r\nend\n'], { maxLineBytes: max })).toEqual([
      ['line', 1, 'ok'],
      ['too-long', 2, 9],
      ['line', 3, '12345678'],
      ['line', 4, 'end'],
    ]);
    expect(split(['ok\n12345', '6789', '01\nnext\n', '1234567890'], { maxLineBytes: max })).toEqual([
      ['line', 1, 'ok'],
      ['too-long', 2, 11],
      ['line', 3, 'next'],
      ['too-long', 4, 10],
    ]);
    // Multi-byte characters count as their UTF-8 bytes.
    expect(split(['éééé\nééééé\n'], { maxLineBytes: max })).toEqual([
      ['line', 1, 'éééé'],
      ['too-long', 2, 10],
    ]);
  });

  it('reports invalid UTF-8 when asked, else decodes it with U+FFFD', () => {
    const bad = Buffer.concat([Buffer.from('x\n'), Buffer.from([0xff, 0x41, 0x0a]), Buffer.from('é\n')]);
    expect(split([bad], { checkUtf8: true })).toEqual([
      ['line', 1, 'x'],
      ['bad', 2, ''],
      ['line', 3, 'é'],
    ]);
    expect(split([bad])).toEqual([
      ['line', 1, 'x'],
      ['line', 2, '\ufffdA'],
      ['line', 3, 'é'],
    ]);
  });

  it('copies an unfinished line, so its source may reuse the chunk', () => {
    const { splitter, got } = recorder();
    const buf = Buffer.from('first\nsec');
    splitter.push(buf);
    expect(splitter.midLine).toBe(true);
    buf.fill(0x7a); // "zzz…"
    splitter.push(Buffer.from('ond\n'));
    expect(splitter.midLine).toBe(false);
    expect(got).toEqual([
      ['line', 1, 'first'],
      ['line', 2, 'second'],
    ]);
  });

  it('is mid-line while skipping an over-long line, and reset drops the unfinished line', () => {
    const { splitter, got } = recorder({ maxLineBytes: 4 });
    splitter.push(Buffer.from('123456'));
    expect(splitter.midLine).toBe(true);
    splitter.reset();
    expect(splitter.midLine).toBe(false);
    splitter.push(Buffer.from('ab\n'));
    splitter.end();
    expect(got).toEqual([['line', 1, 'ab']]);
  });
});
