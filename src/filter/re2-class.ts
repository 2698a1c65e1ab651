/**
 * Character-class support for the RE2 translator (re2.ts): code-point range sets, RE2's ASCII
 * Perl and POSIX classes, Unicode simple case folding, and emission as JS `u`-mode syntax.
 */

/** Sorted, non-overlapping inclusive code-point ranges [lo0, hi0, lo1, hi1, ...]. */
export type Ranges = number[];

/** Normalises a range list (sorts and merges adjacent/overlapping ranges). */
export function normalize(r: Ranges): Ranges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < r.length; i += 2) pairs.push([r[i], r[i + 1]]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Complement over [0, 0x10FFFF]. */
export function negate(r: Ranges): Ranges {
  const n = normalize(r);
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < n.length; i += 2) {
    if (n[i] > next) out.push(next, n[i] - 1);
    next = n[i + 1] + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

const PERL: Record<string, Ranges> = {
  d: [0x30, 0x39],
  s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20],
  w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
};

/** RE2's ASCII `\d \s \w` (and negations `\D \S \W`); undefined for other letters. */
export function perlClass(letter: string): { ranges: Ranges; negated: boolean } | undefined {
  const lower = letter.toLowerCase();
  if (!Object.hasOwn(PERL, lower)) return undefined;
  return { ranges: PERL[lower], negated: letter !== lower };
}

const POSIX: Record<string, Ranges> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** `[:name:]` / `[:^name:]` inside brackets; undefined for unknown names. */
export function posixClass(name: string): { ranges: Ranges; negated: boolean } | undefined {
  const negated = name.startsWith('^');
  const base = negated ? name.slice(1) : name;
  if (!Object.hasOwn(POSIX, base)) return undefined;
  return { ranges: POSIX[base], negated };
}

/** Highest code point that takes part in simple case folding (RE2's maxFold). */
const MAX_FOLD = 0x1e943;
const MIN_FOLD = 0x41;
let orbits: Map<number, number[]> | undefined;

function single(s: string): number | undefined {
  const cp = s.codePointAt(0)!;
  return s.length === String.fromCodePoint(cp).length ? cp : undefined;
}

/** Case-folding orbits (k ↔ K ↔ U+212A, s ↔ S ↔ U+017F, ...), built once on first use. */
function foldOrbits(): Map<number, number[]> {
  if (orbits) return orbits;
  const edges = new Map<number, number[]>();
  const link = (a: number, b: number): void => {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ]) {
      const list = edges.get(x);
      if (list) list.push(y);
      else edges.set(x, [y]);
    }
  };
  for (let cp = MIN_FOLD; cp <= MAX_FOLD; cp++) {
    // Surrogates are not characters; U+0131 upper-cases to I but does not case-fold (Unicode
    // CaseFolding.txt has only a Turkic entry for it), so RE2 keeps it out of i's orbit.
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0x131) continue;
    const s = String.fromCodePoint(cp);
    for (const v of [single(s.toLowerCase()), single(s.toUpperCase())]) {
      if (v !== undefined && v !== cp) link(cp, v);
    }
  }
  orbits = new Map();
  for (const start of edges.keys()) {
    if (orbits.has(start)) continue;
    const group = [start];
    const seen = new Set(group);
    for (let i = 0; i < group.length; i++) {
      for (const next of edges.get(group[i]) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          group.push(next);
        }
      }
    }
    group.sort((a, b) => a - b);
    for (const cp of group) orbits.set(cp, group);
  }
  return orbits;
}

/** All case variants of `cp` (including itself). */
export function foldOrbit(cp: number): readonly number[] {
  if (cp < MIN_FOLD || cp > MAX_FOLD) return [cp];
  return foldOrbits().get(cp) ?? [cp];
}

/** Adds the case variants of every code point in the ranges (RE2's appendFoldedRange). */
export function foldRanges(r: Ranges): Ranges {
  const out = r.slice();
  const table = foldOrbits();
  for (let i = 0; i < r.length; i += 2) {
    const lo = Math.max(r[i], MIN_FOLD);
    const hi = Math.min(r[i + 1], MAX_FOLD);
    if (r[i] <= MIN_FOLD && r[i + 1] >= MAX_FOLD) continue; // already closed under folding
    for (let cp = lo; cp <= hi; cp++) {
      const orbit = table.get(cp);
      if (orbit) for (const v of orbit) out.push(v, v);
    }
  }
  return normalize(out);
}

/** A code point as JS `u`-mode class or atom syntax. */
export function jsChar(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a))
    return String.fromCodePoint(cp);
  return `\\u{${cp.toString(16)}}`;
}

/** Emits a bracket expression for ranges plus extra `\p{…}` items. */
export function emitClass(r: Ranges, props: readonly string[], negated: boolean): string {
  let out = negated ? '[^' : '[';
  const n = normalize(r);
  for (let i = 0; i < n.length; i += 2) {
    out += jsChar(n[i]);
    if (n[i + 1] > n[i]) out += (n[i + 1] > n[i] + 1 ? '-' : '') + jsChar(n[i + 1]);
  }
  return out + props.join('') + ']';
}
