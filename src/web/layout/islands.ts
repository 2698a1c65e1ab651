/**
 * "Namespace islands": a deterministic placement that puts each namespace's nodes on a compact
 * grid and packs the namespace boxes in shelves. It is the map's layout for big graphs (linear
 * time, no physics) and the starting point that the force layout refines on small ones.
 */

export interface IslandInput {
  id: string;
  group: string;
}

export interface Point {
  x: number;
  y: number;
}

export interface IslandsOptions {
  /** Distance between node centres. */
  spacing: number;
  /** Gap between namespace boxes. */
  gap: number;
}

const DEFAULTS: IslandsOptions = { spacing: 90, gap: 120 };

/**
 * Positions for every node, grouped by `group`; biggest groups first, rows of boxes about as
 * wide as the whole drawing is tall.
 */
export function islandsLayout(
  items: readonly IslandInput[],
  opts: Partial<IslandsOptions> = {},
): Map<string, Point> {
  const { spacing, gap } = { ...DEFAULTS, ...opts };
  const groups = new Map<string, string[]>();
  for (const it of items) {
    const g = groups.get(it.group);
    if (g) g.push(it.id);
    else groups.set(it.group, [it.id]);
  }
  const boxes = [...groups.entries()]
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .map(([group, ids]) => {
      const cols = Math.ceil(Math.sqrt(ids.length));
      const rows = Math.ceil(ids.length / cols);
      return { group, ids, cols, w: cols * spacing, h: rows * spacing };
    });
  const area = boxes.reduce((a, b) => a + (b.w + gap) * (b.h + gap), 0);
  const rowWidth = Math.max(Math.sqrt(area), boxes[0]?.w ?? 0);
  const out = new Map<string, Point>();
  let x = 0;
  let y = 0;
  let shelf = 0;
  for (const b of boxes) {
    if (x > 0 && x + b.w > rowWidth) {
      x = 0;
      y += shelf + gap;
      shelf = 0;
    }
    b.ids.forEach((id, i) => {
      out.set(id, {
        x: x + (i % b.cols) * spacing + spacing / 2,
        y: y + Math.floor(i / b.cols) * spacing + spacing / 2,
      });
    });
    x += b.w + gap;
    shelf = Math.max(shelf, b.h);
  }
  return out;
}

/** Which layout the map runs: force-directed (fcose) for readable sizes, islands beyond. */
export function chooseLayout(nodes: number, edges: number): 'fcose' | 'islands' {
  return nodes <= 150 && edges <= 600 ? 'fcose' : 'islands';
}
