/**
 * Compiling FlowFilter lists into predicates (hubble-observer-api.md §3.1):
 * - within a FlowFilter every set field must match (AND); `{}` matches everything;
 * - a flow passes when the allowlist is empty or one of its filters matches (OR), and no
 *   denylist filter matches (allowlist − denylist);
 * - the allowlist is compiled before the denylist and fields in builder order, so the first
 *   invalid value reported is the one hubble reports (FilterError, hubble's text);
 * - an event without a flow (a `{}` or `node_status` line of a file) only matches filters whose
 *   every field matches a missing flow: `{}` and `trace_id:[""]`.
 *   (A Hubble server lets lost events bypass filters; that is the caller's decision.)
 *
 * Everything is validated and turned into closures once; evaluating a flow allocates nothing
 * for the common fields.
 */
import type { Flow, FlowEvent } from '../flow/types.js';
import { allOf, anyOf, type FilterBuilder, type FlowMatch } from './builder.js';
import { builtinFilterBuilders } from './builtins.js';
import { allLines, anyLine, type LineTest } from './line-test.js';
import type { FlowFilter } from './types.js';

export { FilterError } from './errors.js';

/** A compiled allow/deny filter set. */
export type FlowPredicate = (ev: FlowEvent) => boolean;

/** One compiled FlowFilter. */
export interface CompiledFilter {
  /** True when the flow satisfies every set field. */
  readonly match: FlowMatch;
  /** True when the filter also matches an event without a flow. */
  readonly matchesMissingFlow: boolean;
  /** Necessary condition on the raw JSON line (see line-test.ts), when derivable. */
  readonly lineTest?: LineTest;
  /** The set fields, in compile order. */
  readonly fields: readonly string[];
}

/** Compiles one FlowFilter; throws FilterError on invalid values. */
export function compileFilter(
  filter: FlowFilter,
  builders: readonly FilterBuilder[] = builtinFilterBuilders,
): CompiledFilter {
  const matchers = builders.flatMap((b) => b.build(filter));
  return {
    match: allOf(matchers.map((m) => m.match)),
    matchesMissingFlow: matchers.every((m) => m.matchesMissingFlow === true),
    lineTest: allLines(matchers.map((m) => m.lineTest)),
    fields: matchers.map((m) => m.field),
  };
}

/**
 * Compiles an allowlist and a denylist into one predicate over events. A flow passes when the
 * allowlist is empty or one of its filters matches, and no denylist filter matches. Throws
 * FilterError (message = hubble's text) for the first invalid value, allowlist first.
 *
 * @example
 *   const pass = compileFilters([{ verdict: ['DROPPED'] }], [{ source_pod: ['kube-system/'] }]);
 *   pass({ flow: { verdict: 'DROPPED', source: { namespace: 'shop', pod_name: 'web-1' } } }); // true
 */
export function compileFilters(
  allow: readonly FlowFilter[],
  deny: readonly FlowFilter[],
  builders: readonly FilterBuilder[] = builtinFilterBuilders,
): FlowPredicate {
  const allowC = allow.map((f) => compileFilter(f, builders));
  const denyC = deny.map((f) => compileFilter(f, builders));
  const missing =
    (allowC.length === 0 || allowC.some((c) => c.matchesMissingFlow)) &&
    !denyC.some((c) => c.matchesMissingFlow);
  const allowM = allowC.length === 0 ? undefined : anyOf(allowC.map((c) => c.match));
  const denyM = denyC.length === 0 ? undefined : anyOf(denyC.map((c) => c.match));
  if (allowM === undefined && denyM === undefined) return (ev) => (ev.flow === undefined ? missing : true);
  if (denyM === undefined) return (ev) => (ev.flow === undefined ? missing : allowM!(ev.flow));
  if (allowM === undefined) return (ev) => (ev.flow === undefined ? missing : !denyM(ev.flow));
  return (ev) => {
    const f = ev.flow;
    return f === undefined ? missing : allowM(f) && !denyM(f);
  };
}

/**
 * Derives a cheap, safe test on a raw JSON line: it returns false only when the event on that
 * line certainly cannot pass `compileFilters(allow, deny)`, so a caller may skip JSON.parse for
 * it. Derived from the allowlist only (a denylist cannot make a line pass): some allowlist
 * filter's required tokens must all appear — e.g. verdict DROPPED needs `"DROPPED"` (or a
 * numeric verdict), namespace `shop` needs `"shop"`, protocol dns needs `"dns"`. Lines with a
 * `\u` escape (or, when a token contains `"`, `\`, `/` or control characters, any backslash)
 * always pass. Returns undefined when some allowlist filter yields
 * no token (or the allowlist is empty). Throws FilterError like compileFilters.
 *
 * Note: a skipped line is never parsed, so a malformed line the prefilter rejects produces no
 * decode warning; callers that must warn about every malformed line cannot use it.
 */
export function compileLinePrefilter(
  allow: readonly FlowFilter[],
  deny: readonly FlowFilter[],
  builders: readonly FilterBuilder[] = builtinFilterBuilders,
): ((line: string, plain?: boolean) => boolean) | undefined {
  void deny;
  if (allow.length === 0) return undefined;
  const compiled = allow.map((f) => compileFilter(f, builders));
  if (compiled.some((c) => c.matchesMissingFlow)) return undefined;
  const test = anyLine(compiled.map((c) => c.lineTest));
  if (test === undefined) return undefined;
  // Escapes can hide a token: \uXXXX can spell any character, the short escapes only `"`, `\`,
  // `/` and control characters (see line-test.ts).
  const escape = test.strict ? '\\' : '\\u';
  // `plain` = the caller already knows the line has no backslash (the flow-log reader finds
  // backslashes once per chunk), which saves a scan of every rejected line.
  return (line, plain) => test(line) || (plain !== true && line.indexOf(escape) !== -1);
}

/**
 * One-off check of a flow against a single FlowFilter (compiles on every call: for repeated
 * use, compile once with compileFilter/compileFilters). An undefined flow is a missing flow.
 */
export function flowMatchesFilter(flow: Flow | undefined, filter: FlowFilter): boolean {
  const c = compileFilter(filter);
  return flow === undefined ? c.matchesMissingFlow : c.match(flow);
}
