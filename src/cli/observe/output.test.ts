import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { BufferedWriter } from './output.js';

/** A writable fake: records writes; `full` makes write() report backpressure. */
class FakeSink extends EventEmitter {
  writes: string[] = [];
  full = false;
  failWith: NodeJS.ErrnoException | undefined;
  write(chunk: string, cb?: (err?: Error | null) => void): boolean {
    this.writes.push(chunk);
    const err = this.failWith;
    queueMicrotask(() => {
      if (err) this.emit('error', err);
      cb?.(err ?? null);
    });
    return !this.full;
  }
}

describe('BufferedWriter', () => {
  it('coalesces small writes into one chunk', async () => {
    const sink = new FakeSink();
    const w = new BufferedWriter(sink, 100);
    for (let i = 0; i < 5; i++) w.write(`line ${i}\n`);
    await w.finish();
    expect(sink.writes).toEqual(['line 0\nline 1\nline 2\nline 3\nline 4\n']);
  });
  it('reports when a flush is due', () => {
    const w = new BufferedWriter(new FakeSink(), 10);
    expect(w.write('12345')).toBe(false);
    expect(w.due).toBe(false);
    expect(w.write('67890')).toBe(true);
    expect(w.due).toBe(true);
  });
  it('waits for drain when the stream is full', async () => {
    const sink = new FakeSink();
    sink.full = true;
    const w = new BufferedWriter(sink, 1);
    w.write('a');
    let flushed = false;
    const p = w.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(flushed).toBe(false);
    sink.emit('drain');
    await p;
    expect(flushed).toBe(true);
  });
  it('treats EPIPE as a quiet close', async () => {
    const sink = new FakeSink();
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    sink.failWith = epipe;
    const w = new BufferedWriter(sink, 1);
    w.write('a');
    await w.flush();
    await new Promise((r) => setTimeout(r, 0));
    expect(w.closed).toBe(true);
    expect(w.error).toBeUndefined();
    expect(w.write('more')).toBe(false);
    await w.finish();
    expect(sink.writes).toEqual(['a']);
    expect(sink.listenerCount('error')).toBe(0);
  });
  it('keeps other write errors', async () => {
    const sink = new FakeSink();
    sink.failWith = Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    const w = new BufferedWriter(sink, 1);
    w.write('a');
    await w.finish();
    expect(w.closed).toBe(true);
    expect(w.error?.message).toBe('disk full');
  });
  it('ignores empty text', async () => {
    const sink = new FakeSink();
    const w = new BufferedWriter(sink, 1);
    expect(w.write('')).toBe(false);
    await w.finish();
    expect(sink.writes).toEqual([]);
  });
});

describe('BufferedWriter in byte mode', () => {
  /** A sink that records Buffers; `full` makes write() report backpressure. */
  class ByteSink extends EventEmitter {
    writes: Buffer[] = [];
    full = false;
    write(chunk: string | Uint8Array, cb?: (err?: Error | null) => void): boolean {
      // Copy: the writer reuses a Buffer once its write callback has run.
      this.writes.push(Buffer.from(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
      queueMicrotask(() => cb?.(null));
      return !this.full;
    }
    text(): string {
      return Buffer.concat(this.writes).toString('utf8');
    }
  }

  it('encodes text and ASCII lines into large Buffers', async () => {
    const sink = new ByteSink();
    const w = new BufferedWriter(sink, 64, { bytes: true });
    let want = '';
    for (let i = 0; i < 50; i++) {
      const t = i % 3 === 0 ? `é ${i} ✓\n` : i % 3 === 1 ? `ascii line ${i}` : '';
      if (i % 3 === 1) {
        w.writeAsciiLine(t);
        want += t + '\n';
      } else {
        w.write(t);
        want += t;
      }
      if (i % 10 === 0) await w.flush();
    }
    const big = 'x'.repeat(1000) + 'ü\n';
    w.write(big);
    w.writeAsciiLine('y'.repeat(200));
    want += big + 'y'.repeat(200) + '\n';
    await w.finish();
    expect(sink.text()).toBe(want);
    expect(sink.writes.length).toBeGreaterThan(5);
  });

  it('waits for a drain that comes after the write returned false', async () => {
    const sink = new ByteSink();
    sink.full = true;
    const w = new BufferedWriter(sink, 8, { bytes: true });
    w.writeAsciiLine('0123456789');
    expect(w.due).toBe(true);
    let flushed = false;
    const p = w.flush().then(() => (flushed = true));
    await new Promise((r) => setTimeout(r, 5));
    expect(flushed).toBe(false);
    sink.emit('drain');
    await p;
    expect(flushed).toBe(true);
  });

  it('does not wait for a drain that already happened', async () => {
    const sink = new ByteSink();
    sink.full = true;
    const w = new BufferedWriter(sink, 8, { bytes: true });
    w.writeAsciiLine('0123456789');
    sink.full = false;
    sink.emit('drain');
    await w.flush();
    await w.finish();
    expect(sink.text()).toBe('0123456789\n');
  });
});
