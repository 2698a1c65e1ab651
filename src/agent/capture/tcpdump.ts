/**
 * Live capture through `tcpdump -U -w -`: libpcap does the kernel side (TPACKET_V3 ring, BPF
 * filter, promiscuous mode) in C, and the pcap stream comes through a pipe into the TypeScript
 * parser. Chosen over a native binding by measurement (see src/agent/README.md): tcpdump costs
 * a few percent of a core at 100k+ packets/s, parsing 64 KB chunks in JS is far cheaper than a
 * JS callback per packet, and nothing has to be compiled on the node.
 *
 * `--immediate-mode` (the default) hands every packet over at once. Without it (`batched`)
 * the ring hands packets over in blocks with a 1 s timeout and `-U` does not change that
 * (linux-lab.md §4): up to 1 s of latency, but measured about 3× less CPU in tcpdump at 120k
 * packets/s (one wakeup per block instead of per packet). A batched capture waits out that
 * timeout before it stops tcpdump, so the last block is not lost. Kernel drops are read from
 * the statistics tcpdump prints on SIGUSR1 and at exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PcapStreamParser, type PcapHeader, type PcapRecordFn } from '../pcap/pcap-stream.js';

/** libpcap's block timeout for tcpdump captures without --immediate-mode. */
const BLOCK_TIMEOUT_MS = 1000;

/** Options of one capture. */
export interface TcpdumpOptions {
  /** Interface: `labbr0`, `eth0`, `any`, or `nflog:5`. */
  iface: string;
  snaplen: number;
  /** Kernel buffer in KiB (tcpdump -B). */
  bufferKb: number;
  /** A BPF filter expression. */
  filter?: string;
  /** Turn promiscuous mode off (-p); a bridge needs it on to see bridged unicast. */
  noPromiscuous?: boolean;
  /** Let libpcap hand packets over in blocks (no --immediate-mode): less CPU, up to 1 s late. */
  batched?: boolean;
  bin?: string;
}

/** libpcap's counters for a capture. */
export interface CaptureStats {
  captured: number;
  receivedByFilter: number;
  droppedByKernel: number;
}

/** A running tcpdump. */
export class TcpdumpCapture {
  readonly stats: CaptureStats = { captured: 0, receivedByFilter: 0, droppedByKernel: 0 };
  header: PcapHeader | undefined;
  private child: ChildProcess | undefined;
  private parser: PcapStreamParser;
  private exited: Promise<void> = Promise.resolve();
  /** Parse failures of the pcap stream itself (fatal for this capture). */
  streamError: Error | undefined;

  constructor(
    readonly o: TcpdumpOptions,
    onRecord: PcapRecordFn,
    private readonly onError: (msg: string) => void = () => {},
  ) {
    this.parser = new PcapStreamParser(onRecord, (h) => (this.header = h));
  }

  /** The command line, for messages. */
  args(): string[] {
    // Nanosecond stamps for latency; NFLOG devices only have microseconds.
    const nano = this.o.iface.startsWith('nflog:') ? [] : ['--time-stamp-precision=nano'];
    const a = [
      '-i',
      this.o.iface,
      '-n',
      ...(this.o.batched ? [] : ['--immediate-mode']),
      ...nano,
      '-U',
      '-s',
      String(this.o.snaplen),
      '-B',
      String(this.o.bufferKb),
      '-w',
      '-',
    ];
    if (this.o.noPromiscuous) a.unshift('-p');
    if (this.o.filter) a.push(this.o.filter);
    return a;
  }

  /** Starts tcpdump; resolves once it is listening (rejects if it fails to start). */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.o.bin ?? 'tcpdump', this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      let listening = false;
      const errLines: string[] = [];
      this.exited = new Promise((r) => child.once('close', () => r()));
      child.on('error', (err) => {
        if (!listening) reject(new Error(`cannot run tcpdump: ${err.message}`));
        else this.onError(`tcpdump -i ${this.o.iface}: ${err.message}`);
      });
      child.stdout!.on('data', (chunk: Buffer) => {
        if (this.streamError) return;
        try {
          this.parser.push(chunk);
        } catch (err) {
          this.streamError = err as Error;
          this.onError(`tcpdump -i ${this.o.iface}: ${(err as Error).message}`);
          child.kill('SIGTERM');
        }
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        // Counters come one per line at exit, or on one line after SIGUSR1 ("tcpdump: N packets captured, …").
        const c = /(\d+) packets? captured/.exec(line);
        const r = /(\d+) packets? received by filter/.exec(line);
        const d = /(\d+) packets? dropped by kernel/.exec(line);
        if (c || r || d) {
          if (c) this.stats.captured = Number(c[1]);
          if (r) this.stats.receivedByFilter = Number(r[1]);
          if (d) this.stats.droppedByKernel = Number(d[1]);
        } else if (/^(tcpdump: )?listening on /.test(line)) {
          listening = true;
          resolve();
        } else if (!/^tcpdump: (verbose output suppressed|data link type)/.test(line)) {
          errLines.push(line);
          if (listening) this.onError(`tcpdump -i ${this.o.iface}: ${line}`);
        }
      });
      child.once('close', (code) => {
        if (!listening)
          reject(
            new Error(
              `tcpdump -i ${this.o.iface} exited with code ${code}: ${errLines.join(' ').trim() || 'no output'}`,
            ),
          );
      });
    });
  }

  /** Asks tcpdump to print its counters (they arrive on stderr shortly after). */
  requestStats(): void {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill('SIGUSR1');
  }

  /** True while tcpdump runs. */
  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when tcpdump has exited and its output was read. */
  done(): Promise<void> {
    return this.exited;
  }

  /** Stops tcpdump (SIGTERM: it flushes, prints its counters and exits) and waits for it. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null && c.signalCode === null) {
      // libpcap retires a partly filled block after its 1 s timeout; SIGTERM before that loses it.
      if (this.o.batched) await new Promise((r) => setTimeout(r, BLOCK_TIMEOUT_MS + 200));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(t);
    } else await this.exited;
  }

  /** Bytes of an incomplete record at the end of the stream. */
  get truncatedBytes(): number {
    return this.parser.pendingBytes;
  }
}
