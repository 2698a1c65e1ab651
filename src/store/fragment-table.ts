/**
 * Interned fragments with reference counts (the ring's pool of shared flow parts).
 *
 * A fragment is kept once however many flows use it: its JSON text (what the persistent store
 * writes), and lazily its parsed deep-frozen object (shared by every joined event) and its
 * dimension attributes. The ring retains a fragment per slot that uses it and releases it when
 * the slot is overwritten, so the pool never keeps fragments of flows that are gone; freed ids
 * are reused. Id 0 means "none".
 *
 * Lookup is by a three-part key (a few identifying fields, each hashed natively by a nested Map,
 * so no key string is built per flow), then structural comparison with the fragments under that
 * key; JSON is built only for new fragments. A key with MAX_BUCKET fragments already (e.g. one
 * HTTP URL whose requests carry unique request-id headers) is looked up by its full JSON
 * instead, so a lookup never compares more than MAX_BUCKET candidates.
 *
 * Memory: a fragment used by one flow only (unique data) keeps just its JSON text until it is
 * compared or read; parsed objects are cached only for shared fragments.
 */
import type { Endpoint, FlowEvent, Layer7 } from '../flow/types.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { flatten } from '../util/flatten.js';
import {
  endpointAttrs,
  l7Attrs,
  restAttrs,
  type Attrs,
  type EndpointAttr,
  type L7Attr,
  type RestAttr,
} from './dims.js';

/** One fragment: JSON text, parsed (frozen) object, dimension attributes. */
export interface Fragment<O, A> {
  readonly json: string;
  readonly obj: O;
  readonly attrs: A;
}

export type EndpointFragment = Fragment<Endpoint, Attrs<EndpointAttr>>;
export type L7Fragment = Fragment<Layer7, Attrs<L7Attr>>;
export type RestFragment = Fragment<FlowEvent, Attrs<RestAttr>>;

/** How a fragment kind derives its attributes. */
export interface FragmentKind<O, A> {
  attrs(obj: O): A;
}

/** The three fragment kinds. */
export const FRAGMENT_KINDS = {
  endpoint: { attrs: endpointAttrs } as FragmentKind<Endpoint, Attrs<EndpointAttr>>,
  l7: { attrs: l7Attrs } as FragmentKind<Layer7, Attrs<L7Attr>>,
  rest: { attrs: restAttrs } as FragmentKind<FlowEvent, Attrs<RestAttr>>,
};

/** Parses a fragment eagerly (for fragments read back from the persistent store). */
export function parseFragment<O, A>(kind: FragmentKind<O, A>, json: string): Fragment<O, A> {
  const obj = deepFreeze(JSON.parse(json) as O);
  return { json, obj, attrs: kind.attrs(obj) };
}

/** Most fragments compared per lookup. */
export const MAX_BUCKET = 16;

/** One part of a lookup key. */
export type KeyPart = string | number | boolean | undefined;
type Key = [KeyPart, KeyPart, KeyPart];
type Level<T> = Map<KeyPart, T>;

/** A pooled fragment with lazy parse. */
class Interned<O, A> implements Fragment<O, A> {
  refs = 1;
  private o: O | undefined;
  private a: A | undefined;
  constructor(
    readonly json: string,
    readonly key: Key | undefined,
    private readonly kind: FragmentKind<O, A>,
    live: O | undefined,
  ) {
    this.o = live;
  }

  /** The parsed object; cached once the fragment is shared, parsed per call while it is not. */
  get obj(): O {
    if (this.o !== undefined) return this.o;
    const o = deepFreeze(JSON.parse(this.json) as O);
    if (this.refs > 1) this.o = o;
    return o;
  }

  /** The parsed object, always cached (for comparisons, which repeat). */
  cached(): O {
    return (this.o ??= deepFreeze(JSON.parse(this.json) as O));
  }

  get attrs(): A {
    return (this.a ??= this.kind.attrs(this.obj));
  }
}

/** A reference-counted intern table. */
export class FragmentTable<O, A> {
  private readonly buckets: Level<Level<Level<number[]>>> = new Map();
  private readonly byJson = new Map<string, number>();
  private readonly entries: (Interned<O, A> | undefined)[] = [undefined];
  private readonly free: number[] = [];
  private chars = 0;
  /** Fragments created, and texts serialised to look one up (equal when every lookup by key finds its fragment). */
  readonly counts = { created: 0, serialised: 0 };

  constructor(private readonly kind: FragmentKind<O, A>) {}

  /**
   * Finds the fragment under key (k1, k2, k3) for which `eq(obj)` holds, or by its JSON, or
   * creates it from `json()`; adds one reference and returns its id (never 0). `live`, asked
   * only when a fragment is created, may return a deep-frozen object equal to the fragment (an
   * endpoint shared by the flow-line parser): the new fragment uses it as its parsed object, so
   * later flows holding the same object compare by identity.
   */
  intern(
    k1: KeyPart,
    k2: KeyPart,
    k3: KeyPart,
    eq: (obj: O) => boolean,
    json: () => string,
    live?: () => O | undefined,
  ): number {
    const bucket = this.buckets.get(k1)?.get(k2)?.get(k3);
    const full = bucket !== undefined && bucket.length >= MAX_BUCKET;
    if (bucket && !full) {
      for (let i = 0; i < bucket.length; i++) {
        const e = this.entries[bucket[i]]!;
        if (eq(e.cached())) {
          e.refs++;
          return bucket[i];
        }
      }
    }
    const text = json();
    this.counts.serialised++;
    const found = this.byJson.get(text);
    if (found !== undefined) {
      this.entries[found]!.refs++;
      return found;
    }
    return this.create(text, full ? undefined : [k1, k2, k3], live?.());
  }

  private create(json: string, key: Key | undefined, live: O | undefined): number {
    // JSON.stringify returns a long text as a tree of parts (about 150 B more per fragment).
    flatten(json);
    this.counts.created++;
    const id = this.free.pop() ?? this.entries.length;
    const e = new Interned(json, key, this.kind, live);
    if (id === this.entries.length) this.entries.push(e);
    else this.entries[id] = e;
    this.byJson.set(json, id);
    if (key) {
      let l2 = this.buckets.get(key[0]);
      if (!l2) this.buckets.set(key[0], (l2 = new Map()));
      let l3 = l2.get(key[1]);
      if (!l3) l2.set(key[1], (l3 = new Map()));
      const b = l3.get(key[2]);
      if (b) b.push(id);
      else l3.set(key[2], [id]);
    }
    this.chars += json.length;
    return id;
  }

  /** Drops one reference; the fragment is forgotten when none is left. */
  release(id: number): void {
    if (id === 0) return;
    const e = this.entries[id]!;
    if (--e.refs !== 0) return;
    this.byJson.delete(e.json);
    if (e.key) {
      const [k1, k2, k3] = e.key;
      const l2 = this.buckets.get(k1)!;
      const l3 = l2.get(k2)!;
      const b = l3.get(k3)!;
      if (b.length > 1) b.splice(b.indexOf(id), 1);
      else if (l3.size > 1) l3.delete(k3);
      else if (l2.size > 1) l2.delete(k2);
      else this.buckets.delete(k1);
    }
    this.chars -= e.json.length;
    this.entries[id] = undefined;
    this.free.push(id);
  }

  /** The fragment with this id (undefined for 0 or a freed id). */
  get(id: number): Fragment<O, A> | undefined {
    return this.entries[id];
  }

  /** Live fragments. */
  get size(): number {
    return this.entries.length - 1 - this.free.length;
  }

  /** UTF-16 code units of the live fragments' JSON. */
  get jsonChars(): number {
    return this.chars;
  }
}
