/**
 * The filter-builder contract. Each builder owns one dimension of `FlowFilter` (ip, pod, label,
 * port, ...): given a FlowFilter it validates the fields it owns and returns one matcher per
 * set field. Matchers of one FlowFilter are ANDed; the registry order (builtins.ts) is hubble's
 * compile order, so the first invalid field reported is the one hubble reports.
 */
import type { Flow } from '../flow/types.js';
import type { FlowFilter } from './types.js';
import type { LineTest } from './line-test.js';

/** A compiled test of one FlowFilter field against a flow. */
export type FlowMatch = (flow: Flow) => boolean;

/** One set field of a FlowFilter, compiled. */
export interface FieldMatcher {
  /** The FlowFilter field(s) this matcher tests, for diagnostics. */
  readonly field: string;
  /** True when the flow satisfies the field (any element matches, unless the spec says otherwise). */
  readonly match: FlowMatch;
  /**
   * True when the field also matches an event without a flow. Only `trace_id` with an element
   * `""` does (hubble-observer-api.md §3.1, last bullet).
   */
  readonly matchesMissingFlow?: boolean;
  /**
   * A cheap necessary condition on the raw JSON line of a matching flow (see line-test.ts);
   * absent when none can be derived safely.
   */
  readonly lineTest?: LineTest;
}

/** A builder for one filter dimension. Throws FilterError for invalid values. */
export interface FilterBuilder {
  /** Unique name, e.g. `ip`, `pod`, `label`. */
  readonly name: string;
  /** One-line help: the FlowFilter fields handled. */
  readonly help: string;
  /** Compiles the fields of `filter` this builder owns; returns [] when none is set. */
  build(filter: FlowFilter): FieldMatcher[];
}

/** True when a repeated field is set (protobuf: non-empty). */
export function isSet<T>(values: readonly T[] | undefined): values is readonly T[] {
  return values !== undefined && values.length > 0;
}

/** ANDs flow tests, specialised for the small counts that dominate. */
export function allOf(tests: readonly FlowMatch[]): FlowMatch {
  switch (tests.length) {
    case 0:
      return () => true;
    case 1:
      return tests[0];
    case 2: {
      const [a, b] = tests;
      return (f) => a(f) && b(f);
    }
    case 3: {
      const [a, b, c] = tests;
      return (f) => a(f) && b(f) && c(f);
    }
    default: {
      const all = tests.slice();
      return (f) => {
        for (let i = 0; i < all.length; i++) if (!all[i](f)) return false;
        return true;
      };
    }
  }
}

/** ORs flow tests; an empty list matches nothing. */
export function anyOf(tests: readonly FlowMatch[]): FlowMatch {
  switch (tests.length) {
    case 0:
      return () => false;
    case 1:
      return tests[0];
    case 2: {
      const [a, b] = tests;
      return (f) => a(f) || b(f);
    }
    default: {
      const all = tests.slice();
      return (f) => {
        for (let i = 0; i < all.length; i++) if (all[i](f)) return true;
        return false;
      };
    }
  }
}
