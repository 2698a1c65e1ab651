/**
 * Policy analysis on top of the NetworkPolicy evaluator: catalogs of Kubernetes and Cilium
 * policies, connection explanations with per-rule reasons, smallest-rule proposals, drop
 * attribution for diagnosis and what-if replay. Pure (browser-safe); the file and Kubernetes API
 * loaders are in load-files.ts and kube-api.ts.
 */
export {
  addObject,
  addText,
  compiledSet,
  emptyCatalog,
  formatCatalogError,
  policyCount,
  portsOfPod,
  type CatalogError,
  type PolicyCatalog,
  type WorkloadPorts,
} from './catalog.js';
export {
  parseCiliumPolicy,
  ciliumSelectorMatches,
  describeSelector,
  type CiliumEndpoint,
  type CiliumPolicy,
  type CiliumRule,
  type CiliumPeerRule,
  type CiliumSelector,
  type Match,
} from './cilium.js';
export {
  connectionFromFlow,
  endFromFlow,
  endFromSpec,
  type Connection,
  type ConnectionEnd,
} from './connection.js';
export {
  closeness,
  explainConnection,
  selectorText,
  type DirectionExplanation,
  type Explanation,
  type PolicyCheck,
  type RuleCheck,
  type Verdict,
} from './explain.js';
export { identifyingLabels, proposeRule, type Proposal } from './propose.js';
export {
  attributionOf,
  createDropAttributor,
  type DropAttributionResult,
  type DropPolicy,
} from './attribution.js';
export {
  recordedVerdict,
  WhatIfReplay,
  type ChangedFlow,
  type WhatIfGroup,
  type WhatIfOptions,
  type WhatIfReport,
} from './whatif.js';
