/**
 * `source_label`, `destination_label` and `node_labels` (v1.19): Cilium label selectors
 * (label-selector.ts); several selectors of one field are ORed. Node labels are plain
 * `key=value` strings (source `unspec`), so selectors use unprefixed keys there.
 */
import type { Flow } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { SelectorSyntaxError } from './k8s-selector.js';
import { parseLabelSelector, type LabelSelector } from './label-selector.js';
import { anyLine } from './line-test.js';

function labelMatcher(
  field: string,
  selectors: readonly string[],
  get: (f: Flow) => string[] | undefined,
  errorPrefix: string,
): FieldMatcher {
  const compiled: LabelSelector[] = selectors.map((s) => {
    try {
      return parseLabelSelector(s);
    } catch (e) {
      if (e instanceof SelectorSyntaxError) throw new FilterError(errorPrefix + e.message, { cause: e });
      throw e;
    }
  });
  const match =
    compiled.length === 1
      ? (f: Flow) => compiled[0].matches(get(f))
      : (f: Flow) => {
          const labels = get(f);
          for (const s of compiled) if (s.matches(labels)) return true;
          return false;
        };
  return { field, match, lineTest: anyLine(compiled.map((s) => s.lineTest)) };
}

/** Builder for `source_label` and `destination_label`. */
export const labelBuilder: FilterBuilder = {
  name: 'label',
  help: 'source_label, destination_label: label selectors with Cilium sources (k8s:app=x)',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_label)) {
      out.push(
        labelMatcher(
          'source_label',
          filter.source_label,
          (f) => f.source?.labels,
          'invalid source label filter: ',
        ),
      );
    }
    if (isSet(filter.destination_label)) {
      out.push(
        labelMatcher(
          'destination_label',
          filter.destination_label,
          (f) => f.destination?.labels,
          'invalid destination label filter: ',
        ),
      );
    }
    return out;
  },
};

/** Builder for `node_labels` (v1.19 extension). */
export const nodeLabelsBuilder: FilterBuilder = {
  name: 'node-labels',
  help: 'node_labels: label selectors over the node labels (v1.19 extension)',
  build(filter) {
    if (!isSet(filter.node_labels)) return [];
    return [
      labelMatcher('node_labels', filter.node_labels, (f) => f.node_labels, 'invalid node label filter: '),
    ];
  },
};
