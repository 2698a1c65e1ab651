/**
 * Network-policy model: Kubernetes NetworkPolicy parsing and a pure evaluator that says whether
 * a connection is allowed, which policies select each side and why. Used by the simulator to
 * enforce policies and meant for `policy explain` and diagnosis to explain recorded drops.
 */
export * from './types.js';
export { matchesSelector, isEmptySelector } from './label-selector.js';
export { parseCidr, parseIP, cidrContains, cidrWithin, type Cidr, type ParsedIP } from './cidr.js';
export {
  parseNetworkPolicy,
  parseLabelSelector,
  PolicyParseError,
  formatPath,
  type FieldPath,
} from './parse.js';
export { compilePolicies, evaluate, selectsWholeNamespace, type PolicySet } from './evaluate.js';
export { policyEndpointFromFlow, policyQueryFromFlow } from './from-flow.js';
