/**
 * The rule registry: an explicit list of rules built at the composition root from
 * `builtinRules`. Duplicate or unknown names fail with a clear message.
 */
import type { DiagnosisRule } from './rule.js';
import { dnsRule } from './rules/dns.js';
import { dropRule } from './rules/drop.js';
import { imbalanceRule } from './rules/imbalance.js';
import { l7ErrorsRule } from './rules/l7-errors.js';
import { latencyRule } from './rules/latency.js';
import { policyDropRule } from './rules/policy-drop.js';
import { tcpResetRule } from './rules/tcp-reset.js';

/** An error in the rule set (duplicate or unknown rule). */
export class RuleRegistryError extends Error {
  readonly code: 'RULE_DUPLICATE' | 'RULE_UNKNOWN';
  constructor(code: 'RULE_DUPLICATE' | 'RULE_UNKNOWN', message: string) {
    super(message);
    this.name = 'RuleRegistryError';
    this.code = code;
  }
}

/** The built-in rules, in report order of their kinds. */
export const builtinRules: readonly DiagnosisRule[] = [
  dnsRule,
  policyDropRule,
  dropRule,
  imbalanceRule,
  tcpResetRule,
  l7ErrorsRule,
  latencyRule,
];

/** A named set of rules. */
export class RuleRegistry {
  private readonly rules = new Map<string, DiagnosisRule>();

  constructor(rules: readonly DiagnosisRule[] = []) {
    for (const r of rules) this.register(r);
  }

  /** Adds a rule; a second rule with the same name is an error. */
  register(rule: DiagnosisRule): this {
    if (this.rules.has(rule.name))
      throw new RuleRegistryError('RULE_DUPLICATE', `duplicate diagnosis rule "${rule.name}"`);
    this.rules.set(rule.name, rule);
    return this;
  }

  get(name: string): DiagnosisRule {
    const r = this.rules.get(name);
    if (!r)
      throw new RuleRegistryError(
        'RULE_UNKNOWN',
        `unknown diagnosis rule "${name}"; known rules: ${this.names().join(', ')}`,
      );
    return r;
  }

  names(): string[] {
    return [...this.rules.keys()];
  }

  list(): DiagnosisRule[] {
    return [...this.rules.values()];
  }

  /** A registry with only the named rules (in this registry's order). */
  only(names: readonly string[]): RuleRegistry {
    for (const n of names) this.get(n);
    return new RuleRegistry(this.list().filter((r) => names.includes(r.name)));
  }
}

/** A fresh registry holding the built-in rules. */
export function defaultRuleRegistry(): RuleRegistry {
  return new RuleRegistry(builtinRules);
}
