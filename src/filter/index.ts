/**
 * The filter engine: FlowFilter lists compiled once into a predicate, shared by the CLI,
 * server, store and UI. Semantics and error texts follow hubble v0.12.3
 * (hubble-observer-api.md §2.9, §3); v1.19-only fields are supported as extensions and CEL
 * expressions are rejected.
 */
export type { FlowFilter, EventTypeFilter } from './types.js';
export {
  compileFilters,
  compileFilter,
  compileLinePrefilter,
  flowMatchesFilter,
  FilterError,
  type FlowPredicate,
  type CompiledFilter,
} from './compile.js';
export type { FilterBuilder, FieldMatcher, FlowMatch } from './builder.js';
export { builtinFilterBuilders, validateFilterBuilders } from './builtins.js';
export type { LineTest } from './line-test.js';
export { parseLabelSelector, rewriteSourcePrefixes, type LabelSelector } from './label-selector.js';
export { SelectorSyntaxError, type SelectorRequirement, type SelectorOperator } from './k8s-selector.js';
export { parseFqdnPattern, compileFqdnPatterns, type FqdnPattern } from './fqdn.js';
export { compileNodeNamePatterns } from './node-name.js';
export { parseNamespacedName, type NamespacedName } from './namespaced-name.js';
export { compileRe2, Re2SyntaxError } from './re2.js';
export { parseCidr, cidrContains, parseIpInto, type Cidr } from './ip-addr.js';
