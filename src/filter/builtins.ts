/**
 * The built-in filter builders, in hubble's compile order (hubble-observer-api.md §3.1): within
 * one FlowFilter the first invalid field in this order is the error reported. The v1.19-only
 * dimensions sit where upstream registers them (drop_reason_desc after verdict, node_labels
 * after node_name, the rest after traffic_direction).
 */
import type { FilterBuilder } from './builder.js';
import { dnsQueryBuilder } from './dns.js';
import {
  dropReasonDescBuilder,
  ipVersionBuilder,
  trafficDirectionBuilder,
  verdictBuilder,
} from './enum-fields.js';
import { eventTypeBuilder } from './event-type.js';
import { fqdnBuilder } from './fqdn.js';
import { httpBuilder } from './http.js';
import { identityBuilder } from './identity.js';
import { encryptedBuilder, ipBuilder } from './ip.js';
import { labelBuilder, nodeLabelsBuilder } from './label.js';
import { celBuilder, clusterNameBuilder, interfaceBuilder } from './misc-v119.js';
import { podBuilder, serviceBuilder } from './namespaced-name.js';
import { nodeNameBuilder } from './node-name.js';
import { portBuilder } from './port.js';
import { protocolBuilder } from './protocol.js';
import { replyBuilder } from './reply.js';
import { tcpFlagsBuilder } from './tcp-flags.js';
import { ipTraceIdBuilder, traceIdBuilder } from './trace.js';
import { uuidBuilder } from './uuid.js';
import { workloadBuilder } from './workload.js';

/** Every FlowFilter dimension, in compile order. */
export const builtinFilterBuilders: readonly FilterBuilder[] = Object.freeze([
  uuidBuilder,
  eventTypeBuilder,
  verdictBuilder,
  dropReasonDescBuilder,
  replyBuilder,
  identityBuilder,
  protocolBuilder,
  ipBuilder,
  podBuilder,
  workloadBuilder,
  serviceBuilder,
  fqdnBuilder,
  dnsQueryBuilder,
  labelBuilder,
  portBuilder,
  httpBuilder,
  tcpFlagsBuilder,
  nodeNameBuilder,
  nodeLabelsBuilder,
  ipVersionBuilder,
  traceIdBuilder,
  trafficDirectionBuilder,
  celBuilder,
  interfaceBuilder,
  ipTraceIdBuilder,
  clusterNameBuilder,
  encryptedBuilder,
]);

/**
 * Validates a builder list (unique names), as a registry built at a composition root would.
 * Throws an Error naming the duplicate.
 */
export function validateFilterBuilders(builders: readonly FilterBuilder[]): readonly FilterBuilder[] {
  const seen = new Set<string>();
  for (const b of builders) {
    if (seen.has(b.name)) throw new Error(`duplicate filter builder ${JSON.stringify(b.name)}`);
    seen.add(b.name);
  }
  return builders;
}
