/**
 * FQDN patterns (`source_fqdn`, `destination_fqdn`; hubble-observer-api.md §3.3) and the
 * pattern-to-regex translation shared with node-name patterns.
 *
 * A pattern is canonicalised (lower-cased, whitespace-trimmed, one trailing dot removed) and
 * then may contain only `a-z 0-9 - _ .` and `*`, where `*` matches any run of `[-.0-9a-z]`
 * (crossing dots, but never `_` or upper case). It must match the whole name. Names in the
 * flow are used as stored: not lower-cased, trailing dot kept, so `github.com.` does not match
 * `github.com`.
 */
import type { Flow } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { goQuoteRune, goToLower, goTrimSpace } from './go-text.js';
import { anyLine, quotedToken, type LineTest } from './line-test.js';

/** Regex source of `*` in FQDN patterns. */
const STAR = '[-.0-9a-z]*';

/** A canonical, validated FQDN pattern and its regex source (unanchored). */
export interface FqdnPattern {
  readonly canonical: string;
  readonly source: string;
  /** True when the pattern has no `*`: it matches exactly one name. */
  readonly literal: boolean;
}

/** Validates and translates one FQDN pattern; throws FilterError with hubble's message. */
export function parseFqdnPattern(pattern: string): FqdnPattern {
  let p = goTrimSpace(goToLower(pattern));
  if (p.endsWith('.')) p = p.slice(0, -1);
  if (p === '') throw new FilterError('empty pattern');
  if (p.endsWith('.')) throw new FilterError('multiple trailing dots in pattern');
  let source = '';
  for (const ch of p) {
    const c = ch.codePointAt(0)!;
    if (ch === '.') source += '\\.';
    else if (ch === '*') source += STAR;
    else if (ch === '-' || ch === '_' || (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a)) source += ch;
    else throw new FilterError(`${goQuoteRune(c)}: invalid rune in pattern`);
  }
  return { canonical: p, source, literal: !p.includes('*') };
}

/** Compiles FQDN patterns into one anchored RegExp (alternation), as hubble does. */
export function compileFqdnPatterns(patterns: readonly string[]): { re: RegExp; parsed: FqdnPattern[] } {
  const parsed = patterns.map(parseFqdnPattern);
  const re = new RegExp('^(?:' + parsed.map((p) => p.source).join('|') + ')$');
  return { re, parsed };
}

function fqdnMatcher(
  field: string,
  patterns: readonly string[],
  get: (f: Flow) => string[] | undefined,
): FieldMatcher {
  const { re, parsed } = compileFqdnPatterns(patterns);
  const match = (f: Flow): boolean => {
    const names = get(f);
    if (names === undefined) return false;
    for (let i = 0; i < names.length; i++) if (re.test(names[i])) return true;
    return false;
  };
  const lineTest: LineTest | undefined = parsed.every((p) => p.literal)
    ? anyLine(parsed.map((p) => quotedToken(p.canonical)))
    : undefined;
  return { field, match, lineTest };
}

/** Builder for `source_fqdn` and `destination_fqdn`. */
export const fqdnBuilder: FilterBuilder = {
  name: 'fqdn',
  help: 'source_fqdn, destination_fqdn: FQDN patterns with * wildcards',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_fqdn))
      out.push(fqdnMatcher('source_fqdn', filter.source_fqdn, (f) => f.source_names));
    if (isSet(filter.destination_fqdn))
      out.push(fqdnMatcher('destination_fqdn', filter.destination_fqdn, (f) => f.destination_names));
    return out;
  },
};
