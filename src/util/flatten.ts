/**
 * Returns `s`, flattened: V8 builds long concatenations and JSON.stringify results as trees of
 * parts, and substrings may point into a longer parent. Reading a character flattens the string
 * in place, and the garbage collector then drops the tree, so a string kept for long costs only
 * its characters.
 */
export function flatten(s: string): string {
  s.charCodeAt(0);
  return s;
}
