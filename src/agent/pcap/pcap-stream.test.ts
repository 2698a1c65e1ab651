import { describe, expect, it } from 'vitest';
import { PcapFormatError, PcapStreamParser, pcapGlobalHeader, pcapRecord } from './pcap-stream.js';

type Rec = { bytes: string; capLen: number; origLen: number; sec: number; nsec: number };

function collect(): { recs: Rec[]; parser: PcapStreamParser } {
  const recs: Rec[] = [];
  const parser = new PcapStreamParser((d, off, cap, orig, sec, nsec) =>
    recs.push({ bytes: d.toString('hex', off, off + cap), capLen: cap, origLen: orig, sec, nsec }),
  );
  return { recs, parser };
}

describe('PcapStreamParser', () => {
  const stream = Buffer.concat([
    pcapGlobalHeader(1, 128),
    pcapRecord(Buffer.from('aabbcc', 'hex'), 1_700_000_000_250.5, 60),
    pcapRecord(Buffer.from('0102', 'hex'), 1_700_000_001_000),
  ]);

  it('parses the global header and records with their lengths and timestamps', () => {
    const { recs, parser } = collect();
    parser.push(stream);
    expect(parser.header).toEqual({ linkType: 1, snapLen: 128, nanos: false, bigEndian: false });
    expect(recs).toEqual([
      { bytes: 'aabbcc', capLen: 3, origLen: 60, sec: 1_700_000_000, nsec: 250_500_000 },
      { bytes: '0102', capLen: 2, origLen: 2, sec: 1_700_000_001, nsec: 0 },
    ]);
  });

  it('gives the same records when the stream arrives one byte at a time', () => {
    const { recs, parser } = collect();
    for (let i = 0; i < stream.length; i++) parser.push(stream.subarray(i, i + 1));
    expect(recs.map((r) => r.bytes)).toEqual(['aabbcc', '0102']);
    expect(parser.pendingBytes).toBe(0);
  });

  it('reads big-endian nanosecond captures', () => {
    const h = Buffer.alloc(24);
    h.writeUInt32BE(0xa1b23c4d, 0);
    h.writeUInt32BE(65535, 16);
    h.writeUInt32BE(239, 20);
    const r = Buffer.alloc(16);
    r.writeUInt32BE(10, 0);
    r.writeUInt32BE(123456789, 4);
    r.writeUInt32BE(1, 8);
    r.writeUInt32BE(1, 12);
    const { recs, parser } = collect();
    parser.push(Buffer.concat([h, r, Buffer.from([7])]));
    expect(parser.header).toMatchObject({ linkType: 239, nanos: true, bigEndian: true });
    expect(recs[0]).toMatchObject({ bytes: '07', sec: 10, nsec: 123456789 });
  });

  it('keeps an incomplete last record pending', () => {
    const { recs, parser } = collect();
    parser.push(stream.subarray(0, stream.length - 1));
    expect(recs).toHaveLength(1);
    expect(parser.pendingBytes).toBe(16 + 1);
  });

  it.each([
    ['pcapng', Buffer.from('0a0d0d0a' + '00'.repeat(20), 'hex'), /pcapng is not supported/],
    ['garbage', Buffer.from('not a capture at all, no', 'latin1'), /not a pcap stream/],
  ])('rejects %s', (_n, buf, msg) => {
    const { parser } = collect();
    expect(() => parser.push(buf)).toThrow(PcapFormatError);
    expect(() => collect().parser.push(buf)).toThrow(msg);
  });

  it('rejects an absurd record length instead of buffering it', () => {
    const bad = Buffer.concat([pcapGlobalHeader(1), Buffer.alloc(16, 0xff)]);
    expect(() => collect().parser.push(bad)).toThrow(/too large/);
  });
});
