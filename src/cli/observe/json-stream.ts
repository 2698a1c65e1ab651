/**
 * Splits a string into a stream of JSON values the way Go's `json.Decoder` reads them
 * (values separated by optional whitespace), with Go's syntax error texts, and records the
 * line:column (1-based, in code points) of every object key, which protojson error messages
 * quote.
 */

/** A JSON syntax error; `message` is Go's encoding/json text. */
export class JsonStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonStreamError';
  }
}

/** One value of the stream. */
export interface JsonStreamValue {
  /** The value's text, exactly as in the input. */
  text: string;
  /** Kind of the first token. */
  kind: 'object' | 'array' | 'string' | 'number' | 'literal';
  /** Object keys by dotted path (`source_workload.kind`), first occurrence, with positions. */
  keys: { path: string; key: string; line: number; col: number }[];
  /** The first key repeated inside one object, if any. */
  duplicate?: { key: string; line: number; col: number };
}

/** Go's quoteChar for scanner errors. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''";
  if (c === '"') return "'\"'";
  const q = JSON.stringify(c);
  return "'" + q.slice(1, -1) + "'";
}

const WS = new Set([' ', '\t', '\n', '\r']);

class Scanner {
  i: number;
  readonly keys: JsonStreamValue['keys'] = [];
  duplicate: JsonStreamValue['duplicate'];

  constructor(
    readonly s: string,
    readonly start: number,
  ) {
    this.i = start;
  }

  fail(context: string): never {
    if (this.i >= this.s.length) throw new JsonStreamError('unexpected EOF');
    throw new JsonStreamError(`invalid character ${quoteChar(this.s[this.i])} ${context}`);
  }

  ws(): void {
    while (this.i < this.s.length && WS.has(this.s[this.i])) this.i++;
  }

  position(idx: number): { line: number; col: number } {
    const before = this.s.slice(this.start, idx);
    const nl = before.lastIndexOf('\n');
    const line = before.split('\n').length;
    return { line, col: [...before.slice(nl + 1)].length + 1 };
  }

  value(path: string): void {
    const c = this.s[this.i];
    if (c === '{') return this.object(path);
    if (c === '[') return this.array(path);
    if (c === '"') return void this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true');
    if (c === 'f') return this.literal('false');
    if (c === 'n') return this.literal('null');
    this.fail('looking for beginning of value');
  }

  object(path: string): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      if (this.s[this.i] !== '"') this.fail('looking for beginning of object key string');
      const at = this.i;
      const key = this.string();
      const full = path === '' ? key : path + '.' + key;
      const pos = this.position(at);
      if (seen.has(key)) this.duplicate ??= { key, ...pos };
      else this.keys.push({ path: full, key, ...pos });
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('after object key');
      this.i++;
      this.ws();
      this.value(full);
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        this.ws();
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return;
      }
      this.fail('after object key:value pair');
    }
  }

  array(path: string): void {
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      this.value(path);
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        this.ws();
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return;
      }
      this.fail('after array element');
    }
  }

  /** Scans a string literal and returns its decoded value. */
  string(): string {
    const from = this.i;
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail('');
      if (c === '"') {
        this.i++;
        return JSON.parse(this.s.slice(from, this.i)) as string;
      }
      if (c < ' ') this.fail('in string literal');
      if (c === '\\') {
        this.i++;
        const e = this.s[this.i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            this.i++;
            if (!/[0-9a-fA-F]/.test(this.s[this.i] ?? '')) this.fail('in \\u hexadecimal character escape');
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          this.fail('in string escape code');
        }
      }
      this.i++;
    }
  }

  number(): void {
    const digit = (): boolean => this.s[this.i] >= '0' && this.s[this.i] <= '9';
    if (this.s[this.i] === '-') {
      this.i++;
      if (!digit()) this.fail('in numeric literal');
    }
    if (this.s[this.i] === '0') this.i++;
    else while (digit()) this.i++;
    if (this.s[this.i] === '.') {
      this.i++;
      if (!digit()) this.fail('after decimal point in numeric literal');
      while (digit()) this.i++;
    }
    if (this.s[this.i] === 'e' || this.s[this.i] === 'E') {
      this.i++;
      if (this.s[this.i] === '+' || this.s[this.i] === '-') this.i++;
      if (!digit()) this.fail('in exponent of numeric literal');
      while (digit()) this.i++;
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++, this.i++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k])})`);
    }
  }
}

const KIND: Record<string, JsonStreamValue['kind']> = { '{': 'object', '[': 'array', '"': 'string' };

/**
 * Reads every value of a JSON stream. Throws JsonStreamError (Go's message) at the first
 * syntax error.
 *
 * @example readJsonStream('{"a":1} {"b":2}').length === 2
 */
export function readJsonStream(s: string): JsonStreamValue[] {
  const out: JsonStreamValue[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && WS.has(s[i])) i++;
    if (i >= s.length) return out;
    const sc = new Scanner(s, i);
    sc.value('');
    const text = s.slice(i, sc.i);
    const kind = KIND[s[i]] ?? (s[i] === '-' || (s[i] >= '0' && s[i] <= '9') ? 'number' : 'literal');
    out.push({ text, kind, keys: sc.keys, duplicate: sc.duplicate });
    i = sc.i;
  }
}
