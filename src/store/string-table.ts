/**
 * Interned strings with reference counts: the ring's pool of flow summaries (see F_SUMMARY in
 * flow-split.ts). Like the fragment tables, it holds a string once however many slots use it,
 * and forgets it when the last slot that used it is overwritten; freed ids are reused. Id 0
 * means "none".
 */
import { flatten } from '../util/flatten.js';

/** See the module doc. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly strs: (string | undefined)[] = [undefined];
  private readonly refs: number[] = [0];
  private readonly free: number[] = [];
  private chars = 0;

  /** Strings held. */
  get size(): number {
    return this.ids.size;
  }

  /** Their total length (UTF-16 code units). */
  get totalChars(): number {
    return this.chars;
  }

  /** The id of `s`, with one more reference. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id !== undefined) {
      this.refs[id]++;
      return id;
    }
    // Kept as long as a slot uses it: flattened, so that a string built by concatenation
    // costs only its characters.
    const kept = flatten(s);
    id = this.free.pop();
    if (id === undefined) {
      id = this.strs.length;
      this.strs.push(kept);
      this.refs.push(1);
    } else {
      this.strs[id] = kept;
      this.refs[id] = 1;
    }
    this.ids.set(kept, id);
    this.chars += kept.length;
    return id;
  }

  /** The string of `id` (undefined for 0 or a freed id). */
  get(id: number): string | undefined {
    return this.strs[id];
  }

  /** Drops one reference of `id` (0 is ignored); the string goes with the last one. */
  release(id: number): void {
    if (id === 0) return;
    if (--this.refs[id] > 0) return;
    const s = this.strs[id]!;
    this.ids.delete(s);
    this.chars -= s.length;
    this.strs[id] = undefined;
    this.free.push(id);
  }
}
