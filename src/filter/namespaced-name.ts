/**
 * Pod and service name filters (`source_pod`, `destination_pod`, `source_service`,
 * `destination_service`) with the hubble v0.12.3 rule (hubble-observer-api.md §3.2): the
 * element is split at every `/`; part 0 is the namespace (compared exactly, so `/x` requires an
 * empty namespace), part 1 a name prefix, further parts are ignored; without `/` the namespace
 * is `default`. `""`, `/`, `//` are invalid. An endpoint with empty namespace and name never
 * matches.
 */
import type { Endpoint, Flow, Service } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { goQuote } from './go-text.js';
import { allLines, anyLine, quotedToken } from './line-test.js';

/** A parsed `[namespace/][name-prefix]` element. */
export interface NamespacedName {
  readonly namespace: string;
  readonly prefix: string;
}

/**
 * Parses a pod/service element with the v0.12.3 rule; throws FilterError with hubble's text
 * (callers add the `invalid source service filter: ` style prefix where hubble does).
 */
export function parseNamespacedName(element: string): NamespacedName {
  const parts = element.split('/');
  let ns: string;
  let prefix: string;
  if (parts.length > 1) [ns, prefix] = parts;
  else if (parts[0] === '') [ns, prefix] = ['', ''];
  else [ns, prefix] = ['default', parts[0]];
  if (ns === '' && prefix === '') {
    throw new FilterError(`invalid filter, must be [namespace/][<name>], got ${goQuote(element)}`);
  }
  return { namespace: ns, prefix };
}

/** Where a field reads its namespace/name pair: the endpoint or service of one side. */
type Side = 'source' | 'destination' | 'source_service' | 'destination_service';

/** Endpoint (`pod_name`) or Service (`name`): exactly one of the two name keys exists. */
type Named = Partial<Pick<Endpoint, 'namespace' | 'pod_name'>> & Partial<Pick<Service, 'name'>>;

// Named property loads per side (faster than a keyed load shared by all matchers).
const GETTERS: Record<Side, (f: Flow) => Named | undefined> = {
  source: (f) => f.source,
  destination: (f) => f.destination,
  source_service: (f) => f.source_service,
  destination_service: (f) => f.destination_service,
};

/**
 * Compiles one pod/service field. `errorPrefix` is prepended to parse errors. Validation
 * guarantees an element never has both an empty namespace and an empty prefix, so the rule
 * "an endpoint with empty namespace and name never matches" needs no test at run time.
 */
export function namespacedNameMatcher(
  field: string,
  elements: readonly string[],
  side: Side,
  errorPrefix = '',
): FieldMatcher {
  const parsed: NamespacedName[] = elements.map((el) => {
    try {
      return parseNamespacedName(el);
    } catch (e) {
      if (errorPrefix && e instanceof FilterError)
        throw new FilterError(errorPrefix + e.message, { cause: e });
      throw e;
    }
  });
  const get = GETTERS[side];
  const match = (f: Flow): boolean => {
    const named = get(f);
    if (named === undefined) return false;
    const ns = named.namespace ?? '';
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i];
      if (p.namespace !== ns) continue;
      if (p.prefix === '' || (named.pod_name ?? named.name ?? '').startsWith(p.prefix)) return true;
    }
    return false;
  };
  const lineTest = anyLine(
    parsed.map((p) =>
      allLines([
        p.namespace !== '' ? quotedToken(p.namespace) : undefined,
        p.prefix !== '' ? quotedToken(p.prefix, true) : undefined,
      ]),
    ),
  );
  return { field, match, lineTest };
}

/** Builder for `source_pod` and `destination_pod`. */
export const podBuilder: FilterBuilder = {
  name: 'pod',
  help: 'source_pod, destination_pod: [namespace/][pod-name-prefix]',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_pod)) out.push(namespacedNameMatcher('source_pod', filter.source_pod, 'source'));
    if (isSet(filter.destination_pod))
      out.push(namespacedNameMatcher('destination_pod', filter.destination_pod, 'destination'));
    return out;
  },
};

/** Builder for `source_service` and `destination_service`. */
export const serviceBuilder: FilterBuilder = {
  name: 'service',
  help: 'source_service, destination_service: [namespace/][service-name-prefix]',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_service)) {
      out.push(
        namespacedNameMatcher(
          'source_service',
          filter.source_service,
          'source_service',
          'invalid source service filter: ',
        ),
      );
    }
    if (isSet(filter.destination_service)) {
      out.push(
        namespacedNameMatcher(
          'destination_service',
          filter.destination_service,
          'destination_service',
          'invalid destination service filter: ',
        ),
      );
    }
    return out;
  },
};
