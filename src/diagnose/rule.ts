/**
 * The rule contract and the context rules run in. A rule reads the accumulator's tables and
 * returns draft findings; the engine assigns ids, links chains and ranks.
 */
import type { Flow } from '../flow/index.js';
import type { DiagnosisAccumulator } from './accumulator.js';
import type { NextStepBuilder } from './next-steps.js';
import type { Finding, FindingKind, PolicyAttribution } from './types.js';

/** A finding as a rule returns it (the engine fills id, causes, effects). */
export type FindingDraft = Omit<Finding, 'id' | 'causes' | 'effects' | 'rule'> & { id?: string };

/** What the policy module answers about one recorded policy drop. */
export interface DropAttribution {
  policies: PolicyAttribution[];
  /** One or two sentences: which policies select the pods and why nothing admitted the flow. */
  explanation: string;
  /** The smallest rule that would admit the flow, as YAML. */
  proposal?: string;
}

/** Attributes policy drops to policies (implemented by the policy module, see createDropAttributor). */
export interface DropAttributor {
  attribute(flow: Flow): DropAttribution | undefined;
  /** Whether a policy set was given (false: attribution can only use the flow's own fields). */
  readonly hasPolicies: boolean;
  /** How `flowlens policy …` commands refer to the policy set, e.g. `['--policies', './policies']`. */
  readonly policiesArgs?: string[];
}

/** Thresholds the rules use; every value has a default in defaultThresholds. */
export interface Thresholds {
  /** Minimum failing DNS responses before a DNS finding is raised above info. */
  dnsMinFailures: number;
  /** DNS failure share of responses for warning / critical. */
  dnsWarnRatio: number;
  dnsCritRatio: number;
  /** Minimum policy drops for a warning. */
  policyDropMin: number;
  /** Minimum drops of one reason on one node, and their share of the node's flows, for a warning. */
  dropMin: number;
  dropWarnRatio: number;
  dropCritRatio: number;
  /** Imbalance: p-value and the least relative deviation of the hottest/coldest replica. */
  imbalanceP: number;
  imbalanceMinDeviation: number;
  /** Minimum connections or flows per replica (expected) before imbalance is tested. */
  imbalanceMinExpected: number;
  /** TCP resets: minimum count and share of the pair's TCP flows for warning / critical. */
  rstMin: number;
  rstWarnRatio: number;
  rstCritRatio: number;
  /** L7 errors: minimum errors and error share for warning / critical (5xx, gRPC, Kafka). */
  l7MinErrors: number;
  l7WarnRatio: number;
  l7CritRatio: number;
  /** 4xx share for a warning (4xx are often legitimate, so this is higher). */
  l7Warn4xxRatio: number;
  /** Latency: minimum samples on each side and p95 ratio for warning / critical. */
  latencyMinSamples: number;
  latencyWarnFactor: number;
  latencyCritFactor: number;
  /** Least absolute p95 increase in ms for a latency warning. */
  latencyMinIncreaseMs: number;
  /** Least log-likelihood gain for a change point to count as a real onset. */
  changeGain: number;
}

/** Default thresholds. */
export const defaultThresholds: Thresholds = {
  dnsMinFailures: 10,
  dnsWarnRatio: 0.05,
  dnsCritRatio: 0.25,
  policyDropMin: 3,
  dropMin: 10,
  dropWarnRatio: 0.002,
  dropCritRatio: 0.05,
  imbalanceP: 1e-6,
  imbalanceMinDeviation: 0.5,
  imbalanceMinExpected: 20,
  rstMin: 10,
  rstWarnRatio: 0.05,
  rstCritRatio: 0.3,
  l7MinErrors: 10,
  l7WarnRatio: 0.05,
  l7CritRatio: 0.2,
  l7Warn4xxRatio: 0.2,
  latencyMinSamples: 30,
  latencyWarnFactor: 2,
  latencyCritFactor: 5,
  latencyMinIncreaseMs: 20,
  changeGain: 12,
};

/** Everything a rule may read. */
export interface RuleContext {
  readonly acc: DiagnosisAccumulator;
  /** Buckets of the diagnosed window (inclusive) and of the data before it (baseline). */
  readonly from: number;
  readonly to: number;
  /** First bucket with data (≤ from when a baseline was fed). */
  readonly dataFrom: number;
  readonly thresholds: Thresholds;
  readonly next: NextStepBuilder;
  readonly attributor?: DropAttributor;
  /** RFC 3339 time of the start of a bucket. */
  time(bucket: number): string;
}

/** A diagnosis rule: a name, the kind it reports, a help text, and a pure run function. */
export interface DiagnosisRule {
  readonly name: string;
  readonly kind: FindingKind;
  /** What it detects, what it emits, which thresholds it reads. */
  readonly help: string;
  run(ctx: RuleContext): FindingDraft[];
}
