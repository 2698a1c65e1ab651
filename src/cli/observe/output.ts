/**
 * Buffered, backpressure-aware text output: many small strings become few large writes, the
 * producer waits for `drain` when the stream's buffer is full, and a closed pipe (EPIPE, e.g.
 * `| head`) ends output quietly instead of crashing.
 *
 * In byte mode (`{ bytes: true }`) text is encoded straight into large Buffers instead of being
 * joined into a string and encoded by the stream, and lines known to be ASCII are copied
 * without UTF-8 encoding (`writeAsciiLine`): for `-o json` passthrough that is a plain copy of
 * the input bytes. Full Buffers are handed to the stream as they fill up.
 */

/** The part of a Node writable stream the writer uses (byte mode also writes Buffers). */
export interface TextSink {
  write(chunk: string | Uint8Array, cb?: (err?: Error | null) => void): boolean;
  once(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
}

/** Default chunk size: large enough to amortise syscalls, small enough to stream promptly. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

/** Byte mode keeps at most this many written Buffers for reuse. */
const MAX_FREE_BUFFERS = 4;

/** Options of {@link BufferedWriter}. */
export interface BufferedWriterOptions {
  /** Encode into Buffers and write those (see the module comment). */
  bytes?: boolean;
}

/** Accumulates text and writes it to a stream in large chunks. */
export class BufferedWriter {
  #parts: string[] = [];
  #length = 0;
  /** Byte mode: the Buffer being filled (undefined in text mode) and its fill level. */
  #buf: Buffer | undefined;
  #pos = 0;
  /** Byte mode: Buffers whose writes have completed, ready for reuse. */
  #free: Buffer[] = [];
  #closed = false;
  #error: Error | undefined;
  #lastWrite: Promise<void> = Promise.resolve();
  /** Set while the stream is above its high-water mark: resolves on drain, error or close. */
  #drain: Promise<void> | undefined;
  readonly #onError = (err: Error): void => this.#fail(err);

  constructor(
    private readonly sink: TextSink,
    private readonly chunkChars = DEFAULT_CHUNK_BYTES,
    opts: BufferedWriterOptions = {},
  ) {
    sink.on('error', this.#onError);
    if (opts.bytes) this.#buf = Buffer.allocUnsafeSlow(chunkChars);
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
    return this.#buf !== undefined ? this.#drain !== undefined : this.#length >= this.chunkChars;
  }

  /**
   * Queues text; returns true when a flush is due (call `flush`). In byte mode a full Buffer is
   * written at once, and a flush is due when the stream asks to wait.
   */
  write(text: string): boolean {
    if (this.#closed || text === '') return false;
    const buf = this.#buf;
    if (buf === undefined) {
      this.#parts.push(text);
      this.#length += text.length;
      return this.#length >= this.chunkChars;
    }
    // A UTF-8 encoding is at most 3 bytes per UTF-16 unit.
    if (this.#pos + text.length * 3 > buf.length) {
      if (this.#pos + Buffer.byteLength(text) > buf.length) {
        this.#sendBuffer();
        if (text.length * 3 > buf.length) {
          this.#send(text);
          return this.#drain !== undefined;
        }
      }
    }
    this.#pos += this.#buf!.write(text, this.#pos, 'utf8');
    return this.#drain !== undefined;
  }

  /**
   * Queues `text` and a newline, where `text` is known to be pure ASCII (only then are its
   * latin1 bytes its UTF-8 bytes). Falls back to `write` in text mode.
   */
  writeAsciiLine(text: string): boolean {
    const buf = this.#buf;
    if (buf === undefined || this.#closed) return this.write(text + '\n');
    if (this.#pos + text.length + 1 > buf.length) {
      this.#sendBuffer();
      if (text.length + 1 > buf.length) return this.write(text + '\n');
    }
    const b = this.#buf!;
    this.#pos += b.write(text, this.#pos, 'latin1');
    b[this.#pos++] = 10;
    return this.#drain !== undefined;
  }

  /** Writes what is queued and waits while the stream is above its high-water mark. */
  async flush(): Promise<void> {
    if (this.#buf !== undefined) {
      if (!this.#closed) this.#sendBuffer();
      else this.#pos = 0;
      await this.#waitDrain();
      return;
    }
    if (this.#length === 0 || this.#closed) {
      this.#parts = [];
      this.#length = 0;
      return;
    }
    const chunk = this.#parts.length === 1 ? this.#parts[0] : this.#parts.join('');
    this.#parts = [];
    this.#length = 0;
    this.#send(chunk);
    await this.#waitDrain();
  }

  async #waitDrain(): Promise<void> {
    if (this.#drain === undefined) return;
    if (!this.#closed) await this.#drain;
    this.#drain = undefined;
  }

  /**
   * Byte mode: hands the filled part of the Buffer to the stream and continues in another one.
   * The stream holds a chunk until its write callback, which returns the Buffer to the pool.
   */
  #sendBuffer(): void {
    if (this.#pos === 0) return;
    const full = this.#buf!;
    const chunk = full.subarray(0, this.#pos);
    this.#buf = this.#free.pop() ?? Buffer.allocUnsafeSlow(full.length);
    this.#pos = 0;
    this.#send(chunk, full);
  }

  #send(chunk: string | Uint8Array, owner?: Buffer): void {
    if (this.#closed) return;
    let ok = true;
    try {
      this.#lastWrite = new Promise<void>((resolve) => {
        ok = this.sink.write(chunk, (err) => {
          if (err) this.#fail(err);
          else if (owner !== undefined && this.#free.length < MAX_FREE_BUFFERS) this.#free.push(owner);
          resolve();
        });
      });
    } catch (err) {
      this.#fail(err as Error);
      return;
    }
    // Listen for drain right away: it may come before the next flush.
    if (!ok && this.#drain === undefined) this.#drain = this.#drained();
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
