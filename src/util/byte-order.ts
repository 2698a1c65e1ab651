/**
 * Orders two strings as Go compares them: byte order of their UTF-8, which is code-point order.
 * `Zeta` comes before `alpha`, unlike with `localeCompare`. Hubble sorts names this way
 * (GetNamespaces, `hubble list`, `hubble status`).
 *
 * Code-unit order is the same except where a surrogate pair (a code point from U+10000) meets a
 * unit from U+E000 to U+FFFF: the pair comes after it, as its UTF-8 does. A lone surrogate is
 * compared as what it is (TextEncoder would write U+FFFD for it).
 */
export function byteOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy && (sx ? y : x) >= 0xe000) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}
