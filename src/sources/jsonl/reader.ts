/**
 * Reads Hubble flow logs (JSON lines: `hubble observe -o json` output, exporter files, bare
 * flows), from files, globs, gzip files or stdin, and yields decoded events in batches.
 *
 * Bad input never stops the run: an invalid line is reported with its line number through
 * `onWarning`, counted, and skipped. Several inputs are merged in time order.
 */
import { createReadStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { glob, isDynamicPattern } from 'tinyglobby';
import {
  decodeEvent,
  FlowLineParser,
  hasCanonicalSpacing,
  isCanonicalEvent,
  setRawJson,
  type DecodeContext,
  type FlowEvent,
} from '../../flow/index.js';
import { timeMillis } from '../../flow/time.js';
import { DEFAULT_MAX_LINE_BYTES, splitLines, type LineItem } from './line-splitter.js';

/** Options of {@link readFlowLog}. */
export interface ReadFlowLogOptions {
  /**
   * Cheap raw-line test; lines it rejects are not parsed (see the filter engine). The second
   * argument says the line has no backslash, so the test need not scan for JSON escapes.
   */
  prefilter?: (line: string, plain: boolean) => boolean;
  /**
   * Keep each line whose text is exactly the canonical encoding of its event, retrievable with
   * `rawJson(ev)`, so `-o json` can write it without re-encoding.
   */
  keepRaw?: boolean;
  /** Receives one message per skipped line or notable condition. */
  onWarning?: (msg: string) => void;
  /** Longest accepted line in bytes (default 16 MiB). */
  maxLineBytes?: number;
  signal?: AbortSignal;
  /** Show a progress line on stderr when it is a terminal. */
  progress?: boolean;
  /** Stream used for '-' (default process.stdin); for tests. */
  stdin?: Readable;
}

/** Counters of one read. */
export interface ReadStats {
  lines: number;
  events: number;
  invalid: number;
  tooLong: number;
  blank: number;
  prefiltered: number;
  unknownFieldWarnings: number;
}

/** An error opening an input: missing or unreadable file, empty glob. */
export class FlowLogError extends Error {
  readonly code = 'FLOW_LOG_INPUT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FlowLogError';
  }
}

/** The reader: iterate it for batches of events, then read `stats`. */
export interface FlowLogReader extends AsyncIterable<FlowEvent[]> {
  readonly stats: ReadStats;
}

interface Input {
  name: string;
  size?: number;
  /** The input as a stream (fresh chunks: consumers may keep them). */
  open(): Readable;
  /** The input's bytes for readFlowLog: a chunk may be overwritten once the next is requested. */
  chunks(): AsyncIterable<Buffer | string> & { destroy?(): void };
}

/**
 * Read size: large enough that the next read (in flight while a chunk is processed) is ready
 * even for the cheap prefiltered queries (256 KiB left the reader idle on a busy machine), small
 * enough that one chunk's batch of events dies young. The line splitter decodes it in smaller
 * pieces (see line-splitter.ts).
 */
const CHUNK_BYTES = 512 * 1024;

/** Resolves paths, globs and '-' into inputs, failing clearly on missing or unreadable files. */
export async function resolveInputs(inputs: string[], stdin?: Readable): Promise<Input[]> {
  const out: Input[] = [];
  for (const spec of inputs) {
    if (spec === '-') {
      const open = (): Readable => stdin ?? process.stdin;
      out.push({ name: 'stdin', open, chunks: open });
      continue;
    }
    let paths = [spec];
    if (isDynamicPattern(spec) && !exists(spec)) {
      paths = (await glob(spec, { absolute: false, onlyFiles: true })).sort();
      if (paths.length === 0) throw new FlowLogError(`no files match ${JSON.stringify(spec)}`);
    }
    for (const p of paths) {
      let size: number;
      try {
        const st = statSync(p);
        if (st.isDirectory()) throw new FlowLogError(`${p} is a directory, not a flow log`);
        size = st.size;
      } catch (err) {
        if (err instanceof FlowLogError) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT'
            ? 'no such file or directory'
            : code === 'EACCES'
              ? 'permission denied'
              : String(err);
        throw new FlowLogError(`failed to open ${p}: ${why}`, { cause: err });
      }
      out.push({ name: p, size, open: () => openFile(p), chunks: () => fileChunks(p) });
    }
  }
  return out;
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function openFile(p: string): Readable {
  const raw = createReadStream(p, { highWaterMark: 1 << 20 });
  if (!p.endsWith('.gz')) return raw;
  const gunzip = createGunzip({ chunkSize: 1 << 20 });
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

function fileChunks(p: string): AsyncIterable<Buffer> & { destroy?(): void } {
  if (!p.endsWith('.gz')) return readChunks(p);
  const raw = createReadStream(p, { highWaterMark: CHUNK_BYTES });
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/**
 * Reads a plain file into two reused buffers, the next read running while the current chunk is
 * processed. A yielded chunk is overwritten as soon as the next one is requested: consumers
 * copy what they keep (the line splitter does). Fresh buffers per read, as a ReadStream
 * allocates them, measured 20-25 MB of garbage waiting for a GC.
 */
async function* readChunks(p: string): AsyncGenerator<Buffer> {
  const fh = await open(p, 'r');
  const bufs = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)];
  let next = 0;
  let pending: Promise<{ bytesRead: number }> | undefined = fh.read(bufs[0], 0, CHUNK_BYTES, null);
  try {
    for (;;) {
      const { bytesRead } = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      const cur = bufs[next];
      next ^= 1;
      pending = fh.read(bufs[next], 0, CHUNK_BYTES, null);
      yield cur.subarray(0, bytesRead);
    }
  } finally {
    // Stopped early (or failed): let the read in flight settle before closing.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}

/**
 * Opens flow logs and returns a reader. Inputs are file paths, globs, `.gz` files or '-'.
 * Throws FlowLogError before reading anything when an input cannot be opened.
 */
export async function readFlowLog(inputs: string[], opts: ReadFlowLogOptions = {}): Promise<FlowLogReader> {
  const resolved = await resolveInputs(inputs.length ? inputs : ['-'], opts.stdin);
  // Check readability up front so a bad file fails before any output.
  for (const inp of resolved) {
    if (inp.name !== 'stdin') await checkReadable(inp);
  }
  const stats: ReadStats = {
    lines: 0,
    events: 0,
    invalid: 0,
    tooLong: 0,
    blank: 0,
    prefiltered: 0,
    unknownFieldWarnings: 0,
  };
  const shared = { warnedUnknown: false };
  const iterate = (): AsyncIterator<FlowEvent[]> => {
    const gens = resolved.map((inp) => readOne(inp, resolved.length > 1, opts, stats, shared));
    return (gens.length === 1 ? gens[0] : mergeByTime(gens))[Symbol.asyncIterator]();
  };
  return { stats, [Symbol.asyncIterator]: iterate };
}

async function checkReadable(inp: Input): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(inp.name, { start: 0, end: 0 });
    s.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        new FlowLogError(
          `failed to open ${inp.name}: ${err.code === 'EACCES' ? 'permission denied' : err.message}`,
          { cause: err },
        ),
      ),
    );
    s.on('open', () => {
      s.destroy();
      resolve();
    });
  });
}

async function* readOne(
  inp: Input,
  named: boolean,
  opts: ReadFlowLogOptions,
  stats: ReadStats,
  shared: { warnedUnknown: boolean },
): AsyncGenerator<FlowEvent[]> {
  const warn = opts.onWarning ?? (() => {});
  const where = (n: number) => (named ? `${inp.name}:${n}` : `line ${n}`);
  const stream = inp.chunks();
  const progress = opts.progress && process.stderr.isTTY ? new Progress(inp) : undefined;
  const ctx: DecodeContext = { unknownFields: [] };
  const prefilter = opts.prefilter;
  const parser = new FlowLineParser();
  let bytesSeen = 0;
  const counted = countBytes(stream, (n) => (bytesSeen += n));
  try {
    for await (const items of splitLines(counted, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES)) {
      if (opts.signal?.aborted) return;
      const batch: FlowEvent[] = [];
      for (const item of items) {
        const ev = handleLine(item, parser, prefilter, ctx, stats, warn, where, opts.keepRaw === true);
        if (ev) batch.push(ev);
        if (ctx.unknownFields!.length > 0) {
          if (!shared.warnedUnknown) {
            shared.warnedUnknown = true;
            stats.unknownFieldWarnings++;
            warn(
              `${where(item.lineNo)}: unknown field detected, ignoring unknown fields from now on: ${JSON.stringify(ctx.unknownFields![0])}`,
            );
          }
          ctx.unknownFields!.length = 0;
        }
      }
      progress?.update(bytesSeen, stats.lines);
      if (batch.length > 0) yield batch;
    }
  } catch (err) {
    throw new FlowLogError(`failed to read ${inp.name}: ${(err as Error).message}`, { cause: err });
  } finally {
    progress?.done();
    stream.destroy?.();
  }
}

function handleLine(
  item: LineItem,
  parser: FlowLineParser,
  prefilter: ((line: string, plain: boolean) => boolean) | undefined,
  ctx: DecodeContext,
  stats: ReadStats,
  warn: (m: string) => void,
  where: (n: number) => string,
  keepRaw: boolean,
): FlowEvent | undefined {
  stats.lines++;
  if (item.kind === 'too-long') {
    stats.tooLong++;
    warn(`${where(item.lineNo)}: line too long (${item.bytes} bytes), skipped`);
    return undefined;
  }
  if (item.kind === 'bad-utf8') {
    stats.invalid++;
    warn(`${where(item.lineNo)}: invalid UTF-8, skipped`);
    return undefined;
  }
  const text = item.text;
  const c0 = text.charCodeAt(0);
  if (text.length === 0 || (c0 <= 32 && text.trim() === '')) {
    stats.blank++;
    return undefined;
  }
  // Lines that cannot be a JSON object are always reported, even under a prefilter.
  const objectLike = c0 === 123 /* { */ && text.charCodeAt(text.length - 1) === 125; /* } */
  if (objectLike && prefilter && !prefilter(text, item.plain)) {
    stats.prefiltered++;
    return undefined;
  }
  let value: unknown;
  try {
    value = parser.parse(text);
  } catch (err) {
    stats.invalid++;
    warn(`${where(item.lineNo)}: invalid JSON: ${(err as Error).message}`);
    return undefined;
  }
  // A value already in canonical form is its own event: the decoder would only copy it.
  if (isCanonicalEvent(value)) {
    stats.events++;
    if (keepRaw && item.clean && hasCanonicalSpacing(text)) setRawJson(value, text, item.ascii);
    return value;
  }
  try {
    ctx.nonCanonical = false;
    const ev = decodeEvent(value, ctx);
    stats.events++;
    if (keepRaw && item.clean && !ctx.nonCanonical && hasCanonicalSpacing(text))
      setRawJson(ev, text, item.ascii);
    return ev;
  } catch (err) {
    stats.invalid++;
    warn(`${where(item.lineNo)}: not a flow: ${(err as Error).message}`);
    return undefined;
  }
}

async function* countBytes(
  stream: AsyncIterable<Buffer | string>,
  add: (n: number) => void,
): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    add(buf.length);
    yield buf;
  }
}

/** Merges per-input batch streams into one stream ordered by wrapper time. */
async function* mergeByTime(gens: AsyncGenerator<FlowEvent[]>[]): AsyncGenerator<FlowEvent[]> {
  interface Cursor {
    gen: AsyncGenerator<FlowEvent[]>;
    batch: FlowEvent[];
    i: number;
  }
  const cursors: Cursor[] = [];
  for (const gen of gens) {
    const r = await gen.next();
    if (!r.done) cursors.push({ gen, batch: r.value, i: 0 });
  }
  const key = (ev: FlowEvent) => {
    const t = timeMillis(ev.time ?? ev.flow?.time);
    return Number.isNaN(t) ? -Infinity : t;
  };
  let out: FlowEvent[] = [];
  while (cursors.length > 0) {
    let best = 0;
    let bestKey = key(cursors[0].batch[cursors[0].i]);
    for (let c = 1; c < cursors.length; c++) {
      const k = key(cursors[c].batch[cursors[c].i]);
      if (k < bestKey) {
        best = c;
        bestKey = k;
      }
    }
    const cur = cursors[best];
    out.push(cur.batch[cur.i++]);
    if (cur.i >= cur.batch.length) {
      const r = await cur.gen.next();
      if (r.done) cursors.splice(best, 1);
      else {
        cur.batch = r.value;
        cur.i = 0;
      }
    }
    if (out.length >= 4096) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}

/** A progress line on stderr for long files, refreshed at most twice a second. */
class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly inp: Input) {}
  update(bytes: number, lines: number): void {
    const now = Date.now();
    if (now - this.last < 500) return;
    this.last = now;
    this.shown = true;
    const pct =
      this.inp.size && !this.inp.name.endsWith('.gz')
        ? ` ${Math.min(100, (100 * bytes) / this.inp.size).toFixed(0)}%`
        : '';
    process.stderr.write(`\r\x1b[Kreading ${this.inp.name}:${pct} ${lines} lines`);
  }
  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}
