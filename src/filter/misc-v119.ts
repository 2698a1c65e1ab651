/**
 * v1.19 filter fields that hubble v0.12.3 does not know (flowlens implements them as
 * extensions): `interface`, `source_cluster_name` / `destination_cluster_name`, and
 * `experimental.cel_expression` (rejected: CEL is not supported).
 */
import type { Endpoint, Flow } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { anyLine, quotedToken } from './line-test.js';

/** Builder for `interface`: the flow's interface must be set; index (>0) and name must match. */
export const interfaceBuilder: FilterBuilder = {
  name: 'interface',
  help: 'interface: network interface {index, name} (v1.19 extension)',
  build(filter) {
    if (!isSet(filter.interface)) return [];
    const wanted = filter.interface.map((i) => ({ index: i.index ?? 0, name: i.name ?? '' }));
    return [
      {
        field: 'interface',
        match: (f) => {
          const itf = f.interface;
          if (itf === undefined) return false;
          for (const w of wanted) {
            if (w.index > 0 && w.index !== (itf.index ?? 0)) continue;
            if (w.name !== '' && w.name !== (itf.name ?? '')) continue;
            return true;
          }
          return false;
        },
      },
    ];
  },
};

function clusterMatcher(
  field: string,
  names: readonly string[],
  get: (f: Flow) => Endpoint | undefined,
): FieldMatcher {
  if (names.includes('')) throw new FilterError('invalid filter, name must not be empty');
  const wanted = new Set(names);
  return {
    field,
    match: (f) => wanted.has(get(f)?.cluster_name ?? ''),
    lineTest: anyLine(names.map((n) => quotedToken(n))),
  };
}

/** Builder for `source_cluster_name` / `destination_cluster_name`: exact, non-empty names. */
export const clusterNameBuilder: FilterBuilder = {
  name: 'cluster-name',
  help: 'source_cluster_name, destination_cluster_name: exact cluster names (v1.19 extension)',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_cluster_name))
      out.push(clusterMatcher('source_cluster_name', filter.source_cluster_name, (f) => f.source));
    if (isSet(filter.destination_cluster_name)) {
      out.push(
        clusterMatcher('destination_cluster_name', filter.destination_cluster_name, (f) => f.destination),
      );
    }
    return out;
  },
};

/**
 * Builder for `experimental.cel_expression`. CEL expressions are **not supported**: a filter
 * with a non-empty expression list is rejected with FilterError("CEL expressions are not
 * supported") instead of being silently ignored (which would widen allowlists / narrow
 * denylists).
 */
export const celBuilder: FilterBuilder = {
  name: 'cel',
  help: 'experimental.cel_expression: not supported (rejected)',
  build(filter) {
    if (isSet(filter.experimental?.cel_expression))
      throw new FilterError('CEL expressions are not supported');
    return [];
  },
};
