/**
 * Buffered, backpressure-aware text output: many small strings become few large writes, the
 * producer waits for `drain` when the stream's buffer is full, and a closed pipe (EPIPE, e.g.
 * `| head`) ends output quietly instead of crashing.
 */

/** The part of a Node writable stream the writer uses. */
export interface TextSink {
  write(chunk: string, cb?: (err?: Error | null) => void): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
}

/** Default chunk size: large enough to amortise syscalls, small enough to stream promptly. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Accumulates text and writes it to a stream in large chunks. */
export class BufferedWriter {
  #parts: string[] = [];
  #length = 0;
  #closed = false;
  #error: Error | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  readonly #onError = (err: Error): void => this.#fail(err);

  constructor(
    private readonly sink: TextSink,
    private readonly chunkChars = DEFAULT_CHUNK_BYTES,
  ) {
    sink.on('error', this.#onError);
  }

  #fail(err: Error): void {
    this.#closed = true;
    if ((err as NodeJS.ErrnoException).code !== 'EPIPE') this.#error ??= err;
  }

  /** True once the stream is gone (EPIPE or another error): stop producing. */
  get closed(): boolean {
    return this.#closed;
  }

  /** A write error other than EPIPE, if any. */
  get error(): Error | undefined {
    return this.#error;
  }

  /** True when enough text is queued that `flush` should be called. */
  get due(): boolean {
    return this.#length >= this.chunkChars;
  }

  /** Queues text; returns true when a flush is due (call `flush`). */
  write(text: string): boolean {
    if (this.#closed || text === '') return false;
    this.#parts.push(text);
    this.#length += text.length;
    return this.#length >= this.chunkChars;
  }

  /** Writes what is queued and waits while the stream is above its high-water mark. */
  async flush(): Promise<void> {
    if (this.#length === 0 || this.#closed) {
      this.#parts = [];
      this.#length = 0;
      return;
    }
    const chunk = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    let ok = true;
    try {
      this.#lastWrite = new Promise<void>((resolve) => {
        ok = this.sink.write(chunk, (err) => {
          if (err) this.#fail(err);
          resolve();
        });
      });
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    if (!ok && !this.#closed) await this.#drained();
  }

  /**
   * Flushes, waits until the last write has completed (so a late EPIPE is seen here) and
   * detaches from the stream.
   */
  async finish(): Promise<void> {
    await this.flush();
    await this.#lastWrite;
    this.sink.removeListener('error', this.#onError as (...args: unknown[]) => void);
  }

  #drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.sink.removeListener('drain', done);
        this.sink.removeListener('error', done);
        this.sink.removeListener('close', done);
        resolve();
      };
      this.sink.once('drain', done);
      this.sink.once('error', done);
      this.sink.once('close', done);
    });
  }
}
