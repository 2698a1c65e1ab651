/**
 * `--allowlist` / `--denylist` (JSON FlowFilter streams) and `--print-raw-filters` (the final
 * lists as YAML), with hubble v0.12.3's error texts and exact output bytes.
 */
import { decodeFilter, encodeFilter } from '../../flow/index.js';
import type { FlowFilter } from '../../filter/index.js';
import { readJsonStream, type JsonStreamValue } from './json-stream.js';

/** protojson-style message for one decoded stream value that is not a valid FlowFilter. */
function protoError(v: JsonStreamValue, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  const unknown = /^unknown field "(.*)"$/.exec(msg);
  if (unknown) {
    const path = unknown[1];
    const k = v.keys.find((key) => key.path === path);
    const name = path.slice(path.lastIndexOf('.') + 1);
    if (k) return `proto: (line ${k.line}:${k.col}): unknown field ${JSON.stringify(name)}`;
    return `proto: unknown field ${JSON.stringify(name)}`;
  }
  return `proto: ${msg}`;
}

function decodeOne(v: JsonStreamValue): FlowFilter {
  if (v.kind !== 'object') {
    const token = v.kind === 'array' ? '[' : v.text;
    throw new Error(`proto: syntax error (line 1:1): unexpected token ${token}`);
  }
  let f: FlowFilter;
  try {
    f = decodeFilter(JSON.parse(v.text));
  } catch (err) {
    throw new Error(protoError(v, err));
  }
  if (v.duplicate) {
    const d = v.duplicate;
    throw new Error(`proto: (line ${d.line}:${d.col}): duplicate field ${JSON.stringify(d.key)}`);
  }
  return f;
}

/**
 * Decodes the values of `--allowlist` or `--denylist` (each a stream of JSON FlowFilters
 * separated by optional whitespace). Throws an Error with hubble's text:
 * `invalid --allowlist flag: failed to decode '<value>': <reason>`.
 *
 * @example decodeRawFilters(['{"verdict":["DROPPED"]}{"uuid":["f0"]}'], 'allowlist').length === 2
 */
export function decodeRawFilters(values: readonly string[], flag: 'allowlist' | 'denylist'): FlowFilter[] {
  const out: FlowFilter[] = [];
  for (const value of values) {
    try {
      for (const v of readJsonStream(value)) out.push(decodeOne(v));
    } catch (err) {
      throw new Error(`invalid --${flag} flag: failed to decode '${value}': ${(err as Error).message}`);
    }
  }
  return out;
}

// YAML 1.2 printable set as go-yaml's emitter sees it (tab and NEL/BOM/non-characters are not).
function yamlPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

const BREAKS = new Set([0x0a, 0x0d, 0x85, 0x2028, 0x2029]);

const YAML_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

/**
 * A YAML scalar for one JSON string, as go-yaml's encoder writes it: single-quoted (a `'`
 * doubled), or double-quoted with escapes when the text has characters YAML cannot show raw.
 */
function yamlQuote(s: string): string {
  const special = [...s].some((ch) => !yamlPrintable(ch.codePointAt(0)!) || ch === '\n');
  if (!special) return "'" + s.replaceAll("'", "''") + "'";
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const esc = YAML_ESCAPES[cp];
    const escape = !yamlPrintable(cp) || BREAKS.has(cp) || cp === 0x22 || cp === 0x5c;
    if (!escape) out += ch;
    else if (esc !== undefined) out += '\\' + esc;
    else if (cp <= 0xff) out += '\\x' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += '\\U' + cp.toString(16).toUpperCase().padStart(8, '0');
  }
  return out + '"';
}

/**
 * The `--print-raw-filters` output: YAML with `allowlist:` then `denylist:` (empty lists
 * omitted, `{}` when both are empty), one compact JSON FlowFilter per item, 4-space indent.
 *
 * @example
 * renderRawFilters([{ verdict: ['DROPPED'] }], []) ===
 *   "allowlist:\n    - '{\"verdict\":[\"DROPPED\"]}'\n"
 */
export function renderRawFilters(allowlist: readonly FlowFilter[], denylist: readonly FlowFilter[]): string {
  let out = '';
  const section = (name: string, list: readonly FlowFilter[]): void => {
    if (list.length === 0) return;
    out += name + ':\n';
    for (const f of list) out += '    - ' + yamlQuote(encodeFilter(f)) + '\n';
  };
  section('allowlist', allowlist);
  section('denylist', denylist);
  return out === '' ? '{}\n' : out;
}
