/**
 * Orders two strings as Go compares them (byte order of UTF-8; code-unit order is the same for
 * text outside the surrogate range): `Zeta` before `alpha`, unlike `localeCompare`. Hubble sorts
 * names this way (GetNamespaces, `hubble list`).
 */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
