/**
 * A small typed reader over a parsed YAML value that remembers where it is, so every validation
 * error names the file, line, column, field and what was expected.
 */
import type { FieldPath } from '../policy/index.js';
import { parseDuration, parseRate } from './duration.js';
import type { ScenarioError } from './errors.js';
import { errorAt, type Origin } from './source.js';

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

/** A value at a path of a file, with typed accessors that throw located ScenarioErrors. */
export class Reader {
  constructor(
    readonly file: Origin['file'],
    readonly value: unknown,
    readonly path: FieldPath,
  ) {}

  /** The origin of this value (for items that keep their position). */
  get origin(): Origin {
    return { file: this.file, path: this.path };
  }

  /** An error located at this value (or at its key with `key`). */
  error(detail: string, key = false): ScenarioError {
    return errorAt({ file: this.file, path: [] }, this.path, detail, { key });
  }

  /** Throws `expected <what>, got <actual>`. */
  expected(what: string): never {
    throw this.error(`expected ${what}, got ${describe(this.value)}`);
  }

  /** Whether the value is absent (missing or null). */
  get absent(): boolean {
    return this.value === undefined || this.value === null;
  }

  /** Asserts a mapping whose keys are all in `allowed`; returns this. */
  map(allowed: readonly string[]): this {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      this.expected('a mapping');
    for (const k of Object.keys(this.value)) {
      if (!allowed.includes(k)) {
        throw new Reader(this.file, undefined, [...this.path, k]).error(
          `unknown field "${k}"; expected one of: ${allowed.join(', ')}`,
          true,
        );
      }
    }
    return this;
  }

  /** The child at `key` (may be absent). */
  at(key: string | number): Reader {
    const v = this.value as Record<string | number, unknown> | undefined;
    return new Reader(this.file, v?.[key], [...this.path, key]);
  }

  /** The child at `key`, which must be present. */
  req(key: string, what: string): Reader {
    const r = this.at(key);
    if (r.absent) throw this.error(`missing field "${key}"; expected ${what}`);
    return r;
  }

  /** Items of a list (absent → empty list). */
  list(): Reader[] {
    if (this.absent) return [];
    if (!Array.isArray(this.value)) this.expected('a list');
    return (this.value as unknown[]).map((_, i) => this.at(i));
  }

  /** A non-empty string (numbers are not accepted: quote them). */
  string(what = 'a string'): string {
    if (typeof this.value !== 'string' || this.value === '') this.expected(what);
    return this.value as string;
  }

  /** A string matching `re`. */
  pattern(re: RegExp, what: string): string {
    const s = typeof this.value === 'number' ? String(this.value) : this.string(what);
    if (!re.test(s)) this.expected(what);
    return s;
  }

  /** A number within [min, max] (integers only with `int`). */
  number(min: number, max: number, int = false): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      this.expected(`${int ? 'an integer' : 'a number'} between ${min} and ${max}`);
    }
    return v as number;
  }

  /** A boolean. */
  bool(): boolean {
    if (typeof this.value !== 'boolean') this.expected('true or false');
    return this.value as boolean;
  }

  /** One of the given strings. */
  oneOf<T extends string>(values: readonly T[]): T {
    if (typeof this.value !== 'string' || !values.includes(this.value as T))
      this.expected(`one of ${values.join(', ')}`);
    return this.value as T;
  }

  /** A duration such as `90s`, `10m`, `1h30m`, `250ms`; returns milliseconds. */
  duration(): number {
    const ms =
      typeof this.value === 'string' || typeof this.value === 'number'
        ? parseDuration(this.value)
        : undefined;
    if (ms === undefined) this.expected('a duration such as 30s, 10m or 1h30m');
    return ms;
  }

  /** A rate such as `20/s`, `300/m` or a plain number per second. */
  rate(): number {
    const r =
      typeof this.value === 'string' || typeof this.value === 'number' ? parseRate(this.value) : undefined;
    if (r === undefined) this.expected('a rate such as 20/s, 300/m or 5');
    return r;
  }

  /** A mapping of strings (numbers and booleans are converted, as Kubernetes YAML users expect). */
  stringMap(): Record<string, string> {
    if (this.absent) return {};
    this.map(Object.keys((this.value as object) ?? {}));
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.value as Record<string, unknown>)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else this.at(k).expected('a string value');
    }
    return out;
  }

  /** Optional accessor: `fn(child)` when present, else `fallback`. */
  opt<T>(key: string, fn: (r: Reader) => T, fallback: T): T;
  opt<T>(key: string, fn: (r: Reader) => T): T | undefined;
  opt<T>(key: string, fn: (r: Reader) => T, fallback?: T): T | undefined {
    const r = this.at(key);
    return r.absent ? fallback : fn(r);
  }
}
