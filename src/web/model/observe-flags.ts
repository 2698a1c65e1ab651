/**
 * The filter bar's flags: the filter flags of `flowlens observe` (hubble v0.12.3 semantics) and
 * the shell-style tokenising around them. The flag table and its translation into FlowFilter
 * allow/deny lists are the CLI's own, from the isomorphic src/filter/flags.ts (see
 * filter-echo.ts); the server translates the same flags with the same code.
 */

/** Flags of `observe` that select time rather than flows; the UI maps them to its range. */
export const TIME_FLAGS = ['since', 'until', 'last'] as const;

/**
 * Splits a command line like a POSIX shell would for words: whitespace separates, single quotes
 * are literal, double quotes allow `\"` and `\\`, a backslash outside quotes escapes one char.
 * Throws on an unterminated quote.
 */
export function tokenize(input: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (input[i + 1] === '"' || input[i + 1] === '\\')) cur += input[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < input.length) {
      cur += input[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}

/** Quotes a word for a POSIX shell only when needed (single quotes, `'\''` for quotes). */
export function shellQuote(word: string): string {
  if (word !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
