/**
 * `source_workload` / `destination_workload`: an element matches when some workload of the
 * endpoint has an equal `name` (if the element's name is non-empty) and an equal `kind` (if
 * non-empty); `{}` matches any endpoint with at least one workload.
 */
import type { Endpoint, Flow, Workload } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { allLines, anyLine, quotedToken } from './line-test.js';

function workloadMatcher(
  field: string,
  elements: readonly Workload[],
  get: (f: Flow) => Endpoint | undefined,
): FieldMatcher {
  const wanted = elements.map((w) => ({ name: w.name ?? '', kind: w.kind ?? '' }));
  const match = (f: Flow): boolean => {
    const workloads = get(f)?.workloads;
    if (workloads === undefined) return false;
    for (const w of workloads) {
      for (const e of wanted) {
        if ((e.name === '' || e.name === (w.name ?? '')) && (e.kind === '' || e.kind === (w.kind ?? '')))
          return true;
      }
    }
    return false;
  };
  const lineTest = anyLine(
    wanted.map((e) =>
      allLines([e.name ? quotedToken(e.name) : undefined, e.kind ? quotedToken(e.kind) : undefined]),
    ),
  );
  return { field, match, lineTest };
}

/** Builder for the workload fields. */
export const workloadBuilder: FilterBuilder = {
  name: 'workload',
  help: 'source_workload, destination_workload: {name, kind}',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_workload))
      out.push(workloadMatcher('source_workload', filter.source_workload, (f) => f.source));
    if (isSet(filter.destination_workload)) {
      out.push(workloadMatcher('destination_workload', filter.destination_workload, (f) => f.destination));
    }
    return out;
  },
};
