/**
 * Verification of the raw fast path: canonical Hubble lines are used as JSON.parse returns them
 * (skipping decodeEvent's validation and normalisation, about a third of the per-line cost), and
 * a sample of lines is also decoded the slow way and compared field by field on what diagnosis
 * reads (the projection). Any difference switches the fast path off for the rest of the input.
 */
import type { Endpoint, Flow, FlowEvent } from '../../flow/index.js';

/** Flow fields diagnosis and policy replay read as plain values. */
const FIELDS = [
  'time',
  'uuid',
  'verdict',
  'drop_reason',
  'node_name',
  'traffic_direction',
  'drop_reason_desc',
  'is_reply',
  'IP',
  'l4',
  'l7',
  'event_type',
  'source_service',
  'destination_service',
  'aggregate',
  'egress_denied_by',
  'ingress_denied_by',
  'destination_names',
  'Summary',
] as const;

/** The fields of a Flow that diagnosis and policy replay read (its projection). */
export function projectFlow(f: Flow): Flow {
  const out: Flow = {};
  const src = f as Record<string, unknown>;
  const dst = out as Record<string, unknown>;
  for (const k of FIELDS) if (src[k] !== undefined) dst[k] = src[k];
  for (const k of ['source', 'destination'] as const) {
    const e = f[k];
    if (!e) continue;
    const p: Endpoint = {};
    if (e.identity !== undefined) p.identity = e.identity;
    if (e.namespace !== undefined) p.namespace = e.namespace;
    if (e.labels !== undefined) p.labels = e.labels;
    if (e.pod_name !== undefined) p.pod_name = e.pod_name;
    if (e.workloads !== undefined) p.workloads = e.workloads;
    out[k] = p;
  }
  return out;
}

/** Projects an event (flow projected; wrapper time and node kept). */
export function projectEvent(ev: FlowEvent): FlowEvent {
  const out: FlowEvent = {};
  if (ev.flow) out.flow = projectFlow(ev.flow);
  if (ev.node_name !== undefined) out.node_name = ev.node_name;
  if (ev.time !== undefined) out.time = ev.time;
  return out;
}

/** Deep equality of JSON-like values (for verifying the fast path against the slow one). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a as object).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b as object).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
