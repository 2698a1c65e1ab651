/**
 * HTTP fields: `http_status_code`, `http_method`, `http_path`, and the v1.19 extensions
 * `http_url` and `http_header`. If the filter also sets `event_type`, one of its elements must
 * have type 129 (L7) or the filter is rejected (verified: `-t drop --http-status 200` fails).
 *
 * Regexes are RE2 (re2.ts) searched unanchored; `http_path` is matched against the decoded path
 * of the URL parsed as a request URI (request-uri.ts), `http_url` against the raw URL.
 */
import type { Flow, HTTP } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { EVENT_TYPE_L7 } from './event-type.js';
import { goQuote } from './go-text.js';
import { quotedToken, allLines, anyLine } from './line-test.js';
import { Re2SyntaxError, compileRe2 } from './re2.js';
import { requestUriPath } from './request-uri.js';
import type { FlowFilter } from './types.js';

const FULL_CODE = /^[1-5][0-9]{2}$/;
const CODE_PREFIX = /^[1-5][0-9]?\+$/;
const HTTP_KEY = quotedToken('http');

function requireL7(filter: FlowFilter, what: string): void {
  const types = filter.event_type;
  if (isSet(types) && !types.some((t) => (t.type ?? 0) === EVENT_TYPE_L7)) {
    throw new FilterError(`filtering by ${what} requires the event type filter to only match 'l7' events`);
  }
}

/** Compiles RE2 patterns; errors read `<pattern>: error parsing regexp: …` (hubble's form). */
export function compileRegexps(patterns: readonly string[], errorPrefix: string): RegExp[] {
  return patterns.map((p) => {
    try {
      return compileRe2(p);
    } catch (e) {
      if (e instanceof Re2SyntaxError)
        throw new FilterError(`${errorPrefix}${p}: ${e.message}`, { cause: e });
      throw e;
    }
  });
}

function testAny(res: readonly RegExp[], s: string): boolean {
  for (let i = 0; i < res.length; i++) if (res[i].test(s)) return true;
  return false;
}

function statusMatcher(codes: readonly string[]): FieldMatcher {
  const full = new Set<string>();
  const prefixes: string[] = [];
  for (const c of codes) {
    if (FULL_CODE.test(c)) full.add(c);
    else if (CODE_PREFIX.test(c)) prefixes.push(c.slice(0, -1));
    else throw new FilterError(`invalid http status code filter: invalid status code prefix: ${goQuote(c)}`);
  }
  const match = (f: Flow): boolean => {
    const code = f.l7?.http?.code ?? 0;
    if (code === 0) return false;
    const s = code < 10 ? '00' + code : code < 100 ? '0' + code : String(code);
    if (full.has(s)) return true;
    for (const p of prefixes) if (s.startsWith(p)) return true;
    return false;
  };
  return { field: 'http_status_code', match, lineTest: HTTP_KEY };
}

function methodMatcher(methods: readonly string[]): FieldMatcher {
  // Go's strings.EqualFold: equal under simple case folding. Exact and upper-case hits are a Set
  // lookup; otherwise compare case-mapped forms of equal length (so 'ß' never equals 'SS').
  const fast = new Set([
    ...methods,
    ...methods.map((m) => m.toUpperCase()).filter((u, i) => u.length === methods[i].length),
  ]);
  const folded = methods.map((m) => ({ len: m.length, upper: m.toUpperCase(), lower: m.toLowerCase() }));
  const match = (f: Flow): boolean => {
    const m = f.l7?.http?.method;
    if (m === undefined || m === '') return false;
    if (fast.has(m)) return true;
    const upper = m.toUpperCase();
    const lower = m.toLowerCase();
    return folded.some((w) => w.len === m.length && (w.upper === upper || w.lower === lower));
  };
  return { field: 'http_method', match, lineTest: HTTP_KEY };
}

function regexMatcher(field: string, res: RegExp[], subject: (h: HTTP) => string | undefined): FieldMatcher {
  const match = (f: Flow): boolean => {
    const h = f.l7?.http;
    if (h === undefined) return false;
    const s = subject(h);
    return s !== undefined && testAny(res, s);
  };
  return { field, match, lineTest: HTTP_KEY };
}

function headerMatcher(headers: readonly { key?: string; value?: string }[]): FieldMatcher {
  const wanted = headers.map((h) => ({ key: h.key ?? '', value: h.value ?? '' }));
  const match = (f: Flow): boolean => {
    const hs = f.l7?.http?.headers;
    if (hs === undefined) return false;
    for (const h of hs)
      for (const w of wanted) if ((h.key ?? '') === w.key && (h.value ?? '') === w.value) return true;
    return false;
  };
  const lineTest = allLines([
    HTTP_KEY,
    anyLine(
      wanted.map((w) =>
        allLines([w.key ? quotedToken(w.key) : undefined, w.value ? quotedToken(w.value) : undefined]),
      ),
    ),
  ]);
  return { field: 'http_header', match, lineTest };
}

/** Builder for the HTTP fields. */
export const httpBuilder: FilterBuilder = {
  name: 'http',
  help: 'http_status_code, http_method, http_path, http_url (v1.19), http_header (v1.19)',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.http_status_code)) {
      requireL7(filter, 'http status code');
      out.push(statusMatcher(filter.http_status_code));
    }
    if (isSet(filter.http_method)) {
      requireL7(filter, 'http method');
      out.push(methodMatcher(filter.http_method));
    }
    if (isSet(filter.http_path)) {
      requireL7(filter, 'http path');
      const res = compileRegexps(filter.http_path, 'invalid http path filter: ');
      out.push(regexMatcher('http_path', res, (h) => (h.url ? requestUriPath(h.url) : undefined)));
    }
    if (isSet(filter.http_url)) {
      requireL7(filter, 'http url');
      const res = compileRegexps(filter.http_url, 'invalid http url filter: ');
      out.push(regexMatcher('http_url', res, (h) => h.url || undefined));
    }
    if (isSet(filter.http_header)) {
      requireL7(filter, 'http header');
      out.push(headerMatcher(filter.http_header));
    }
    return out;
  },
};
