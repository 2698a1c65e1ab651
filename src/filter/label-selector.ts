/**
 * Label selectors over Cilium labels (hubble-observer-api.md §3.4), usable by other modules
 * (e.g. policy) through `parseLabelSelector`.
 *
 * 1. The selector text is rewritten: each match of `([^,]\s*[a-z0-9-]+):([a-z0-9-]+)` becomes
 *    `$1.$2` (`k8s:app` → `k8s.app`), since Kubernetes keys cannot contain `:`.
 * 2. The result is parsed as a Kubernetes selector (k8s-selector.ts).
 * 3. Each requirement key is split at its first `.` into source and key; no `.`, or source
 *    `any`/`unspec`, means any source (so `io.kubernetes.pod.namespace=x` has source `io`).
 * 4. Flow labels `source:key=value` are split at the first `:` (none → source `unspec`) and then
 *    at the first `=` (none → empty value).
 * 5. With any source the first label (in sorted-by-key order; equal keys keep their input order,
 *    as Go's sort does for the ≤12 labels endpoints carry) with an equal key is used; otherwise
 *    source and key must both be equal.
 *
 * Matching works on the label strings directly, without splitting them (no allocation).
 */
import {
  isInt64,
  parseK8sSelector,
  type SelectorOperator,
  type SelectorRequirement,
} from './k8s-selector.js';
import type { LineTest } from './line-test.js';
import { anyLine, rawToken } from './line-test.js';

/** A compiled selector: `matches` tests one endpoint's label list. */
export interface LabelSelector {
  /** The selector as given. */
  readonly text: string;
  /** Parsed requirements (after the source rewrite), sorted by key. */
  readonly requirements: readonly SelectorRequirement[];
  /** True when every requirement holds for `labels` (e.g. `["k8s:app=web"]`). */
  matches(labels: readonly string[] | undefined): boolean;
  /** A necessary condition on a raw JSON line, when one exists. */
  readonly lineTest?: LineTest;
}

const SOURCE_PREFIX = /([^,][\t\n\f\r ]*[a-z0-9-]+):([a-z0-9-]+)/gu;

/** Step 1: Cilium's source-prefix rewrite (`k8s:app=x` → `k8s.app=x`). */
export function rewriteSourcePrefixes(selector: string): string {
  return selector.replace(SOURCE_PREFIX, '$1.$2');
}

/**
 * Finds the label a requirement looks up. `find` returns its index (-1 when no label has the
 * key) and leaves in `valueAt` where its value starts (the label length when it has none):
 * no object is allocated per lookup.
 */
class Lookup {
  valueAt = 0;
  private readonly source: string | undefined;
  private readonly key: string;
  private readonly prefix: string | undefined;

  constructor(reqKey: string) {
    const dot = reqKey.indexOf('.');
    const source = dot < 0 ? undefined : reqKey.slice(0, dot);
    this.key = dot < 0 ? reqKey : reqKey.slice(dot + 1);
    this.source = source === 'any' || source === 'unspec' ? undefined : source;
    this.prefix = this.source === undefined ? undefined : this.source + ':' + this.key;
  }

  find(labels: readonly string[]): number {
    const { prefix, key } = this;
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i];
      let end: number;
      if (prefix !== undefined) {
        if (!l.startsWith(prefix)) continue;
        end = prefix.length;
      } else {
        const keyStart = l.indexOf(':') + 1;
        if (!l.startsWith(key, keyStart)) continue;
        end = keyStart + key.length;
      }
      if (end === l.length) {
        this.valueAt = end;
        return i;
      }
      if (l.charCodeAt(end) === 0x3d /* = */) {
        this.valueAt = end + 1;
        return i;
      }
    }
    return -1;
  }
}

function valueIn(label: string, at: number, values: readonly string[]): boolean {
  const len = label.length - at;
  for (let i = 0; i < values.length; i++) {
    if (values[i].length === len && label.startsWith(values[i], at)) return true;
  }
  return false;
}

function requirementTest(r: SelectorRequirement): (labels: readonly string[]) => boolean {
  const lookup = new Lookup(r.key);
  const { values } = r;
  const op: SelectorOperator = r.operator;
  switch (op) {
    case 'exists':
      return (ls) => lookup.find(ls) !== -1;
    case '!':
      return (ls) => lookup.find(ls) === -1;
    case '=':
    case '==':
    case 'in':
      return (ls) => {
        const i = lookup.find(ls);
        return i !== -1 && valueIn(ls[i], lookup.valueAt, values);
      };
    case '!=':
    case 'notin':
      return (ls) => {
        const i = lookup.find(ls);
        return i === -1 || !valueIn(ls[i], lookup.valueAt, values);
      };
    case 'gt':
    case 'lt': {
      const bound = BigInt(values[0]);
      return (ls) => {
        const i = lookup.find(ls);
        if (i === -1) return false;
        const v = ls[i].slice(lookup.valueAt);
        if (!isInt64(v)) return false;
        return op === 'gt' ? BigInt(v) > bound : BigInt(v) < bound;
      };
    }
  }
}

/** `=v"`: every label selected by an equality requirement ends with `=v` inside its string. */
function requirementLineTest(r: SelectorRequirement): LineTest | undefined {
  if (r.operator !== '=' && r.operator !== '==' && r.operator !== 'in') return undefined;
  if (r.values.some((v) => v === '')) return undefined;
  return anyLine(r.values.map((v) => rawToken('=' + v + '"')));
}

const EMPTY: readonly string[] = [];

/**
 * Parses and compiles a Cilium label selector. Throws SelectorSyntaxError (message as
 * apimachinery prints it, without hubble's `invalid source label filter: ` prefix).
 *
 * @example parseLabelSelector('k8s:app=web,!reserved:world').matches(['k8s:app=web']) // true
 */
export function parseLabelSelector(selector: string): LabelSelector {
  const requirements = parseK8sSelector(rewriteSourcePrefixes(selector));
  const tests = requirements.map(requirementTest);
  const matches = (labels: readonly string[] | undefined): boolean => {
    const ls = labels ?? EMPTY;
    for (let i = 0; i < tests.length; i++) if (!tests[i](ls)) return false;
    return true;
  };
  const lineTest = requirements.map(requirementLineTest).find((t) => t !== undefined);
  return { text: selector, requirements, matches, lineTest };
}
