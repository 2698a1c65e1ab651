/**
 * The built-in metric plugins, in the order `flowlens metrics --help` lists them. The registry
 * is built from this list at the composition root; nothing registers itself on import.
 */
import { dnsLatencyPlugin } from './handlers/dns-latency/index.js';
import { dnsPlugin } from './handlers/dns/index.js';
import { dropPlugin } from './handlers/drop/index.js';
import { flowPlugin } from './handlers/flow/index.js';
import { flowsToWorldPlugin } from './handlers/flows-to-world/index.js';
import { httpLatencyPlugin } from './handlers/http-latency/index.js';
import { httpPlugin, httpV2Plugin } from './handlers/http/index.js';
import { icmpPlugin } from './handlers/icmp/index.js';
import { kafkaPlugin } from './handlers/kafka/index.js';
import { networkObservabilityAdvPlugin } from './handlers/networkobservability-adv/index.js';
import { networkObservabilityPlugin } from './handlers/networkobservability/index.js';
import { policyPlugin } from './handlers/policy/index.js';
import { portDistributionPlugin } from './handlers/port-distribution/index.js';
import { sctpPlugin } from './handlers/sctp/index.js';
import { tcpPlugin } from './handlers/tcp/index.js';
import type { MetricPlugin } from './types.js';

/** Hubble's handlers, Retina's families, then flowlens's own. */
export const builtinPlugins: readonly MetricPlugin[] = [
  dnsPlugin,
  dropPlugin,
  flowPlugin,
  flowsToWorldPlugin,
  httpPlugin,
  httpV2Plugin,
  icmpPlugin,
  kafkaPlugin,
  policyPlugin,
  portDistributionPlugin,
  sctpPlugin,
  tcpPlugin,
  networkObservabilityPlugin,
  networkObservabilityAdvPlugin,
  dnsLatencyPlugin,
  httpLatencyPlugin,
];

/**
 * The default handler set: what the shipped dashboards query. Pod-level Hubble metrics use
 * ACNS's contexts (outgoing flows name their source pod, incoming flows their destination);
 * DNS and HTTP name both ends so that responses can be attributed to the client.
 */
export const DEFAULT_METRICS: readonly string[] = [
  'flow:sourceEgressContext=pod;destinationIngressContext=pod',
  'tcp:sourceEgressContext=pod;destinationIngressContext=pod',
  'drop:sourceEgressContext=pod;destinationIngressContext=pod',
  'dns:query;sourceContext=pod;destinationContext=pod',
  'httpV2:sourceContext=pod;destinationContext=pod',
  'policy:sourceContext=pod;destinationContext=pod',
  'dns-latency:sourceContext=pod;destinationContext=pod',
  'http-latency:sourceContext=pod;destinationContext=pod',
  'networkobservability',
];
