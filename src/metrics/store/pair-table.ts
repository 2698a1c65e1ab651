/**
 * PairTable: a map from a pair of numbers to a non-negative integer, in one typed array with
 * open addressing. Families index their series with it ((context key, own key) → series
 * number), the KeySpace its pair ids.
 *
 * Why: these lookups happen several times per flow, while each batch of decoded flows pushes
 * the exporter's own data out of the CPU caches. A nested `Map` lookup touches a bucket, an
 * entry, a second map and its bucket and entry; a probe here usually touches one cache line
 * (both keys and the value side by side), and the whole table is a few compact arrays.
 */

/** Initial number of slots (a power of two). */
const INITIAL = 64;

/**
 * (k1, k2) → n ≥ 0. Keys are numbers, not NaN; they hash best as integers (k1 an int32, k2
 * below 2^53) but any other number works.
 */
export class PairTable {
  /** Per slot: k1, k2, n + 1 (0 = empty), unused. */
  private cells = new Float64Array(INITIAL * 4);
  private mask = INITIAL - 1;
  private count = 0;

  /** Number of entries. */
  get size(): number {
    return this.count;
  }

  /** The value of (k1, k2), or -1. */
  get(k1: number, k2: number): number {
    const cells = this.cells;
    const mask = this.mask;
    let i = hash(k1, k2) & mask;
    for (;;) {
      const c = i * 4;
      const n = cells[c + 2]!;
      if (n === 0) return -1;
      if (cells[c]! === k1 && cells[c + 1]! === k2) return n - 1;
      i = (i + 1) & mask;
    }
  }

  /** Adds (k1, k2) → n; the key must be absent. */
  set(k1: number, k2: number, n: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.resize(this.cells.length * 2);
    this.insert(k1, k2, n + 1);
    this.count++;
  }

  /** Forgets every entry. */
  clear(): void {
    this.cells = new Float64Array(INITIAL * 4);
    this.mask = INITIAL - 1;
    this.count = 0;
  }

  /** Renumbers the entries (`remap[old] = new`), dropping those mapped to -1. */
  purge(remap: Int32Array): void {
    const old = this.cells;
    this.cells = new Float64Array(old.length);
    this.count = 0;
    for (let c = 0; c < old.length; c += 4) {
      const n = old[c + 2]!;
      if (n === 0) continue;
      const m = n - 1 < remap.length ? remap[n - 1]! : -1;
      if (m < 0) continue;
      this.insert(old[c]!, old[c + 1]!, m + 1);
      this.count++;
    }
  }

  private insert(k1: number, k2: number, stored: number): void {
    const cells = this.cells;
    const mask = this.mask;
    let i = hash(k1, k2) & mask;
    while (cells[i * 4 + 2]! !== 0) i = (i + 1) & mask;
    const c = i * 4;
    cells[c] = k1;
    cells[c + 1] = k2;
    cells[c + 2] = stored;
  }

  private resize(length: number): void {
    const old = this.cells;
    this.cells = new Float64Array(length);
    this.mask = length / 4 - 1;
    for (let c = 0; c < old.length; c += 4) {
      const n = old[c + 2]!;
      if (n !== 0) this.insert(old[c]!, old[c + 1]!, n);
    }
  }
}

/** Mixes two integer keys (k2 may exceed 32 bits; its high part is k2 / 2^32, by an exact product) into 32 bits. */
function hash(k1: number, k2: number): number {
  let h =
    Math.imul(k1 | 0, 0x9e3779b1) ^
    Math.imul(k2 | 0, 0x85ebca77) ^
    Math.imul((k2 * 2.3283064365386963e-10) | 0, 0xc2b2ae3d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
