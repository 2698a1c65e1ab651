/**
 * `source_identity` / `destination_identity`: equality with the endpoint's security identity
 * (absent = 0). A flow without the endpoint object never matches, even for identity 0.
 */
import type { Endpoint, Flow } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';

function identityMatcher(
  field: string,
  ids: readonly number[],
  get: (f: Flow) => Endpoint | undefined,
): FieldMatcher {
  const wanted = new Set(ids);
  return {
    field,
    match: (f) => {
      const ep = get(f);
      return ep !== undefined && wanted.has(ep.identity ?? 0);
    },
  };
}

/** Builder for `source_identity` and `destination_identity`. */
export const identityBuilder: FilterBuilder = {
  name: 'identity',
  help: 'source_identity, destination_identity: numeric security identities',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_identity))
      out.push(identityMatcher('source_identity', filter.source_identity, (f) => f.source));
    if (isSet(filter.destination_identity)) {
      out.push(identityMatcher('destination_identity', filter.destination_identity, (f) => f.destination));
    }
    return out;
  },
};
