/**
 * Offline capture: a pcap file (or standard input) read through the same parser as a live
 * capture, e.g. `tcpdump -w trace.pcap` replayed later, or `tcpdump -w - | flowlens agent
 * --read -`. Reading pauses while the consumer is busy, so nothing is lost offline.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { PcapStreamParser, type PcapHeader, type PcapRecordFn } from '../pcap/pcap-stream.js';

/** Reads one pcap file to its end. */
export class PcapFileCapture {
  header: PcapHeader | undefined;
  records = 0;
  private readonly parser: PcapStreamParser;

  constructor(
    readonly path: string,
    onRecord: PcapRecordFn,
  ) {
    this.parser = new PcapStreamParser(onRecord, (h) => (this.header = h));
  }

  /**
   * Reads the whole input. `busy()` is polled after each chunk; while it returns true reading
   * waits (back-pressure from the flow queue). Rejects on a malformed stream (bad magic).
   */
  async read(busy: () => boolean, signal?: AbortSignal): Promise<void> {
    const input: Readable =
      this.path === '-' ? process.stdin : createReadStream(this.path, { highWaterMark: 256 * 1024 });
    try {
      for await (const chunk of input) {
        if (signal?.aborted) break;
        this.parser.push(chunk as Buffer);
        this.records = this.parser.records;
        while (busy() && !signal?.aborted) await new Promise((r) => setTimeout(r, 5));
      }
    } finally {
      if (this.path !== '-') (input as ReturnType<typeof createReadStream>).destroy();
    }
    this.truncatedBytes = this.parser.pendingBytes;
  }

  /** Bytes of an incomplete last record (a capture cut while writing); counted, not fatal. */
  truncatedBytes = 0;
}
