import { describe, expect, it } from 'vitest';
import { TcpdumpCapture } from './tcpdump.js';

const capture = (o: Partial<ConstructorParameters<typeof TcpdumpCapture>[0]>) =>
  new TcpdumpCapture({ iface: 'labbr0', snaplen: 1024, bufferKb: 16384, ...o }, () => {});

describe('tcpdump command line', () => {
  it('hands packets over immediately by default, with nanosecond stamps', () => {
    const a = capture({}).args();
    expect(a).toContain('--immediate-mode');
    expect(a).toContain('-U');
    expect(a).toContain('--time-stamp-precision=nano');
    expect(a.slice(-2)).toEqual(['-w', '-']);
    expect(a[a.indexOf('-s') + 1]).toBe('1024');
  });

  it('lets libpcap batch packets in blocks when asked', () => {
    const a = capture({ batched: true }).args();
    expect(a).not.toContain('--immediate-mode');
    expect(a).toContain('-U');
    expect(a.join(' ')).toContain('-B 16384');
    expect(a[a.indexOf('-s') + 1]).toBe('1024');
    expect(a).toContain('--time-stamp-precision=nano');
  });

  it('puts the BPF filter last and -p first', () => {
    const a = capture({ filter: 'udp port 53', noPromiscuous: true }).args();
    expect(a[0]).toBe('-p');
    expect(a[a.length - 1]).toBe('udp port 53');
  });

  it('uses microsecond stamps on NFLOG devices', () => {
    expect(capture({ iface: 'nflog:5' }).args()).not.toContain('--time-stamp-precision=nano');
  });
});
