/**
 * Go's text/tabwriter as hubble configures it (min width 2, tab width 0, padding 3, space
 * padding, no flags), shared by the flow table printer and `status`/`list`.
 */

/** Cell width as text/tabwriter measures it: UTF-8 runes (code points). */
export function runes(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--; // a surrogate pair is one code point (a lone surrogate is one U+FFFD rune)
        i++;
      }
    }
  }
  return n;
}

/**
 * Go's text/tabwriter as hubble configures it (min width 2, tab width 0, padding 3, space padding,
 * no flags), for lines given as cells: every cell but the last of a line is tab-terminated and
 * padded to its column's width; the last is written as it is, then a newline.
 *
 * A column's width holds for one block: a run of consecutive lines that all have a
 * tab-terminated cell in that column (widest cell + 3). A line with fewer cells ends the block,
 * so the lines after it are aligned afresh.
 *
 * @example tabwrite([['NAMESPACE', 'CLUSTER'], ['foo']]) === 'NAMESPACE   CLUSTER\nfoo\n'
 */
export function tabwrite(lines: readonly (readonly string[])[], minWidth = 2, padding = 3): string {
  if (lines.length === 0) return '';
  const n = lines[0].length;
  if (lines.every((cells) => cells.length === n)) return uniform(lines, n, minWidth, padding);
  const widths = lines.map((cells) => new Array<number>(Math.max(cells.length - 1, 0)).fill(0));
  let columns = 0;
  for (const cells of lines) columns = Math.max(columns, cells.length - 1);
  for (let col = 0; col < columns; col++) {
    let i = 0;
    while (i < lines.length) {
      if (lines[i].length - 1 <= col) {
        i++;
        continue;
      }
      let end = i;
      let width = minWidth;
      for (; end < lines.length && lines[end].length - 1 > col; end++)
        width = Math.max(width, runes(lines[end][col]) + padding);
      for (let j = i; j < end; j++) widths[j][col] = width;
      i = end;
    }
  }
  let out = '';
  lines.forEach((cells, i) => {
    cells.forEach((cell, col) => {
      out += cell;
      if (col < cells.length - 1) out += ' '.repeat(widths[i][col] - runes(cell));
    });
    out += '\n';
  });
  return out;
}

/**
 * {@link tabwrite} of lines that all have `n` cells (the flow table: every row of a run): each
 * column is one block, so one width per column.
 */
function uniform(
  lines: readonly (readonly string[])[],
  n: number,
  minWidth: number,
  padding: number,
): string {
  const widths = new Array<number>(Math.max(n - 1, 0)).fill(minWidth);
  for (const row of lines)
    for (let i = 0; i < n - 1; i++) {
      const w = runes(row[i]) + padding;
      if (w > widths[i]) widths[i] = w;
    }
  const parts: string[] = [];
  for (const row of lines) {
    let line = '';
    for (let i = 0; i < n - 1; i++) line += row[i] + ' '.repeat(widths[i] - runes(row[i]));
    parts.push(line + (n > 0 ? row[n - 1] : '') + '\n');
  }
  return parts.join('');
}
