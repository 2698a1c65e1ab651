/**
 * `node_name` patterns `[cluster/]node` (hubble-observer-api.md §3.5). Each side is an FQDN
 * pattern (fqdn.ts rules); without `/` the cluster side is `*`; an empty side means any
 * non-empty name (`[-0-9_a-z]+` labels joined by dots). A flow node name without `/` is matched
 * as `default/<name>`; the whole `cluster/node` string must match. Flows without a node name
 * never match.
 */
import type { FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { parseFqdnPattern } from './fqdn.js';

const ANY_NAME = '[-0-9_a-z]+(?:\\.[-0-9_a-z]+)*';

function sideSource(side: string): string {
  return side === '' ? ANY_NAME : parseFqdnPattern(side).source;
}

/** Translates one node-name pattern to (unanchored) regex source; throws FilterError. */
export function nodeNamePatternSource(pattern: string): string {
  if (pattern === '') throw new FilterError('empty pattern');
  const parts = pattern.split('/');
  if (parts.length > 2) throw new FilterError('too many slashes in pattern');
  const [cluster, node] = parts.length === 2 ? parts : ['*', parts[0]];
  return sideSource(cluster) + '/' + sideSource(node);
}

/** Compiles node-name patterns into a predicate on a flow's `node_name`. */
export function compileNodeNamePatterns(
  patterns: readonly string[],
): (nodeName: string | undefined) => boolean {
  const re = new RegExp('^(?:' + patterns.map(nodeNamePatternSource).join('|') + ')$');
  // Clusters have a handful of node names: memoise results (bounded) to skip the regex.
  const memo = new Map<string, boolean>();
  return (name) => {
    if (name === undefined || name === '') return false;
    let r = memo.get(name);
    if (r === undefined) {
      r = re.test(name.includes('/') ? name : 'default/' + name);
      if (memo.size < 1024) memo.set(name, r);
    }
    return r;
  };
}

/** Builder for `node_name`. */
export const nodeNameBuilder: FilterBuilder = {
  name: 'node-name',
  help: 'node_name: [cluster/]node patterns with * wildcards',
  build(filter) {
    if (!isSet(filter.node_name)) return [];
    const test = compileNodeNamePatterns(filter.node_name);
    return [{ field: 'node_name', match: (f) => test(f.node_name) }];
  },
};
