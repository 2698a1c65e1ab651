/**
 * FlowLineParser: `JSON.parse` for flow-log lines that parses each pod's endpoint text once.
 *
 * In a Hubble flow log, the source and destination endpoints (identity, namespace, labels, pod,
 * workloads) take about half of every line and repeat for every flow of a pod. The parser keeps
 * the text of endpoints it has seen, with their parsed objects. For a line that holds a known
 * endpoint text where the flow's `source` or `destination` value starts, it parses the line
 * with that text replaced by `null` and puts the shared object in its place: the same value
 * `JSON.parse(line)` returns, at about two thirds of its cost (measured in bench/parse.ts).
 *
 * Why this is exact:
 * - A cached text is a complete JSON object: the JSON.stringify of an object parsed from the
 *   same place of an earlier line, kept only when it equals that line's text there. Parsing a
 *   line from an opening brace at which this text starts consumes exactly this text, so the
 *   value there is the cached object.
 * - The text is looked for after `,"source":` and `,"destination":`. Such a key can stand
 *   only where a key stands (a quote inside a JSON string is escaped), but not only in the
 *   flow object; so after parsing, the flow's field must hold the `null` put there. Otherwise,
 *   or when the shortened line does not parse, the whole line is parsed as it is, so errors
 *   and their positions are JSON.parse's own.
 * - Only canonical endpoints are kept (trustCanonicalEndpoint): they are deep-frozen, shared by
 *   every event that holds them, and isCanonicalEvent does not check them again. A `null` left
 *   anywhere else is never canonical, so a line in which the key was found somewhere else
 *   cannot pass for canonical either: it is decoded, which copies it.
 *
 * Bounded: at most `maxEntries` endpoints are kept (then the cache starts again), and texts are
 * admitted (a JSON.stringify each) at most ADMIT_PER_WINDOW times per WINDOW lines, so a stream
 * of ever-new endpoints costs little more than plain JSON.parse.
 */
import { flatten } from '../util/flatten.js';
import { trustCanonicalEndpoint } from './json-codec.js';

const SRC_KEY = ',"source":{';
const DST_KEY = ',"destination":{';
/** Characters of an endpoint text that index the cache (the ID, identity and namespace). */
const PREFIX = 40;
const WINDOW = 1024;
const ADMIT_PER_WINDOW = 64;

interface Entry {
  readonly text: string;
  readonly obj: object;
}

/** Counters of a FlowLineParser (for tests and benchmarks). */
export interface LineParserStats {
  /** Endpoints taken from the cache. */
  hits: number;
  /** Endpoint texts admitted. */
  admitted: number;
  /** Lines parsed whole after the shortened line was not what it seemed. */
  fallbacks: number;
}

/** Options of FlowLineParser. */
export interface LineParserOptions {
  /** Most endpoints kept (default 8192). */
  maxEntries?: number;
}

/** See the module doc. One per reader: it is not shared between threads. */
export class FlowLineParser {
  readonly stats: LineParserStats = { hits: 0, admitted: 0, fallbacks: 0 };
  private readonly cache = new Map<string, Entry[]>();
  private entries = 0;
  private readonly maxEntries: number;
  private lines = 0;
  private admits = 0;

  constructor(opts: LineParserOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 8192;
  }

  /** Number of endpoints kept. */
  get size(): number {
    return this.entries;
  }

  /** Parses one line; returns what `JSON.parse(line)` returns and throws what it throws. */
  parse(line: string): unknown {
    if (++this.lines >= WINDOW) {
      this.lines = 0;
      this.admits = 0;
    }
    const s = line.indexOf(SRC_KEY);
    const s0 = s < 0 ? -1 : s + SRC_KEY.length - 1;
    const src = s0 < 0 ? undefined : this.find(line, s0);
    const dFrom = src ? s0 + src.text.length : s0 < 0 ? 0 : s0;
    const d = line.indexOf(DST_KEY, dFrom);
    const d0 = d < 0 ? -1 : d + DST_KEY.length - 1;
    const dst = d0 < 0 ? undefined : this.find(line, d0);
    if (!src && !dst) {
      const v = JSON.parse(line) as unknown;
      if (s0 >= 0 || d0 >= 0) this.admitFrom(line, v, s0, d0);
      return v;
    }
    let text: string;
    if (src && dst)
      text =
        line.slice(0, s0) +
        'null' +
        line.slice(s0 + src.text.length, d0) +
        'null' +
        line.slice(d0 + dst.text.length);
    else if (src) text = line.slice(0, s0) + 'null' + line.slice(s0 + src.text.length);
    else text = line.slice(0, d0) + 'null' + line.slice(d0 + dst!.text.length);
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      this.stats.fallbacks++;
      return JSON.parse(line);
    }
    const f = flowOf(v);
    if (!f || (src && f.source !== null) || (dst && f.destination !== null)) {
      this.stats.fallbacks++;
      return JSON.parse(line);
    }
    if (src) {
      f.source = src.obj;
      this.stats.hits++;
    } else if (s0 >= 0) this.admit(line, s0, f.source);
    if (dst) {
      f.destination = dst.obj;
      this.stats.hits++;
    } else if (d0 >= 0) {
      // The destination's place in the original line (src was cut out before it).
      this.admit(line, d0, f.destination);
    }
    return v;
  }

  private find(line: string, at: number): Entry | undefined {
    const list = this.cache.get(line.slice(at, at + PREFIX));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      // Equality of a slice is a memory compare; startsWith compares character by character.
      if (line.slice(at, at + e.text.length) === e.text) return e;
    }
    return undefined;
  }

  private admitFrom(line: string, v: unknown, s0: number, d0: number): void {
    const f = flowOf(v);
    if (!f) return;
    if (s0 >= 0) this.admit(line, s0, f.source);
    if (d0 >= 0) this.admit(line, d0, f.destination);
  }

  /** Keeps `obj` if it is a canonical endpoint whose JSON text stands in `line` at `at`. */
  private admit(line: string, at: number, obj: unknown): void {
    if (typeof obj !== 'object' || obj === null || this.admits >= ADMIT_PER_WINDOW) return;
    this.admits++;
    const text = JSON.stringify(obj);
    if (line.slice(at, at + text.length) !== text || !trustCanonicalEndpoint(obj)) return;
    if (this.entries >= this.maxEntries) {
      this.cache.clear();
      this.entries = 0;
    }
    // Kept flat (src/util/flatten.ts); the key is a slice of the kept text, never of the line,
    // so no line is kept alive by the cache.
    const kept = flatten(text);
    const key = kept.slice(0, PREFIX);
    const list = this.cache.get(key);
    const e: Entry = { text: kept, obj };
    if (list) list.push(e);
    else this.cache.set(key, [e]);
    this.entries++;
    this.stats.admitted++;
  }
}

interface FlowSlots {
  source?: unknown;
  destination?: unknown;
}

function flowOf(v: unknown): FlowSlots | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const f = (v as { flow?: unknown }).flow;
  return typeof f === 'object' && f !== null && !Array.isArray(f) ? (f as FlowSlots) : undefined;
}
