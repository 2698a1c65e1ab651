/**
 * A bounded string interner for context-label values and keys.
 *
 * Why: the label values of a flow are built from fresh strings (every decoded flow has its own
 * copies), so a key made by concatenation must be flattened and hashed by every Map it meets.
 * Interning returns the same string object for the same content: its hash is computed once and
 * cached by V8, and no concatenation happens on the hot path. Lookups hash the raw parts, which
 * is cheaper than building and hashing their concatenation.
 *
 * Bounded: past `max` entries everything is dropped and rebuilt on demand (strings stay valid;
 * only their identity changes), so hostile label values cannot grow it without limit.
 */

import { flatten } from '../store/family.js';

interface Node {
  next: Map<string, Node> | undefined;
  key: string | undefined;
}

const SEP = '\u0001';

/** Interns `namespace/pod` paths and joined value tuples. */
export class Interner {
  private pods = new Map<string, Map<string, string>>();
  private root = new Map<string, Node>();
  private size = 0;

  constructor(private readonly max = 100_000) {}

  /** `namespace/pod`, interned. */
  podPath(ns: string, pod: string): string {
    let m = this.pods.get(ns);
    if (m === undefined) {
      this.grow();
      this.pods.set(ns, (m = new Map()));
    }
    let p = m.get(pod);
    if (p === undefined) {
      this.grow();
      p = flatten(ns + '/' + pod);
      m.set(pod, p);
    }
    return p;
  }

  /** The values joined with U+0001, interned (the same object for the same tuple). */
  join(values: readonly string[]): string {
    const n = values.length;
    if (n === 0) return '';
    let level = this.root;
    let node: Node | undefined;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      node = level.get(v);
      if (node === undefined) {
        this.grow();
        node = { next: undefined, key: undefined };
        level.set(v, node);
      }
      if (i < n - 1) level = node.next ??= new Map();
    }
    if (node!.key === undefined) {
      let k = values[0]!;
      for (let i = 1; i < n; i++) k += SEP + values[i]!;
      node!.key = flatten(k);
    }
    return node!.key;
  }

  private grow(): void {
    if (++this.size <= this.max) return;
    this.pods = new Map();
    this.root = new Map();
    this.size = 1;
  }
}
