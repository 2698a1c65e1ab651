/**
 * Context options: the `source`, `destination` and `labelsContext` labels every Hubble
 * handler can add (`sourceContext=pod`, `destinationIngressContext=workload-name|ip`,
 * `labelsContext=source_namespace,traffic_direction`, ...), computed exactly as Hubble does,
 * plus flowlens's cardinality degradation: at a higher level (see store/levels.ts) values
 * that name a pod or an address fold to the workload, then the namespace, then `_overflow_`.
 */
import type { Endpoint, Flow } from '../../flow/index.js';
import { MetricsError } from '../errors.js';
import { directionCode, directionName } from '../flow-fields.js';
import { OVERFLOW_VALUE } from '../store/levels.js';
import type { OptionEntry } from '../config/parse.js';
import type { FlowFacts } from '../facts.js';
import { KeySpace } from './keys.js';

/** Identifiers accepted by the `*Context` options. */
export const IDENTIFIERS = [
  'identity',
  'namespace',
  'pod',
  'pod-name',
  'dns',
  'ip',
  'reserved-identity',
  'workload',
  'workload-name',
  'app',
] as const;
/** A context identifier. */
export type Identifier = (typeof IDENTIFIERS)[number];

/**
 * Finest degradation level at which an identifier's value is kept as is: pod-level
 * identifiers fold from level 1 on, workload-level from 2, namespace-level from 3.
 */
const RANK: Record<Identifier, number> = {
  pod: 0,
  'pod-name': 0,
  ip: 0,
  dns: 0,
  identity: 1,
  workload: 1,
  'workload-name': 1,
  app: 1,
  namespace: 2,
  'reserved-identity': 2,
};

/** `labelsContext` names, in Hubble's fixed output order. */
export const LABELS_CONTEXT = [
  'source_ip',
  'source_pod',
  'source_namespace',
  'source_workload',
  'source_workload_kind',
  'source_app',
  'destination_ip',
  'destination_pod',
  'destination_namespace',
  'destination_workload',
  'destination_workload_kind',
  'destination_app',
  'traffic_direction',
] as const;
/** A `labelsContext` name. */
export type LabelsContextName = (typeof LABELS_CONTEXT)[number];

const LABEL_RANK: Record<LabelsContextName, number> = {
  source_ip: 0,
  source_pod: 0,
  source_namespace: 2,
  source_workload: 1,
  source_workload_kind: 1,
  source_app: 1,
  destination_ip: 0,
  destination_pod: 0,
  destination_namespace: 2,
  destination_workload: 1,
  destination_workload_kind: 1,
  destination_app: 1,
  traffic_direction: 99,
};

/** Option keys (lower case) consumed by the context parser. */
export const CONTEXT_OPTION_KEYS = [
  'sourcecontext',
  'sourceingresscontext',
  'sourceegresscontext',
  'destinationcontext',
  'destinationingresscontext',
  'destinationegresscontext',
  'labelscontext',
] as const;

/** Parsed context options. */
export interface ContextConfig {
  source?: Identifier[];
  sourceIngress?: Identifier[];
  sourceEgress?: Identifier[];
  destination?: Identifier[];
  destinationIngress?: Identifier[];
  destinationEgress?: Identifier[];
  labels?: LabelsContextName[];
}

function parseIdentifiers(raw: string): Identifier[] {
  // The static syntax's rule for every option value (hubble-metrics §1.1): split on `|` when the
  // value holds one, otherwise on `,` (so `namespace,ip` and `namespace|ip` are the same list).
  return (raw.includes('|') ? raw.split('|') : raw.split(',')).map((s) => {
    const id = s.toLowerCase();
    if (!(IDENTIFIERS as readonly string[]).includes(id))
      throw new MetricsError('METRICS_CONFIG', `unknown context '${s}'`);
    return id as Identifier;
  });
}

/** Extracts the context options from a handler's options (other keys are ignored here). */
export function parseContextOptions(options: readonly OptionEntry[]): ContextConfig {
  const c: ContextConfig = {};
  for (const o of options) {
    const k = o.key.toLowerCase();
    if (!(CONTEXT_OPTION_KEYS as readonly string[]).includes(k)) continue;
    const raw = o.raw;
    if (k === 'labelscontext') {
      c.labels = o.raw.split(',').map((l) => {
        if (!(LABELS_CONTEXT as readonly string[]).includes(l))
          throw new MetricsError('METRICS_CONFIG', `invalid labelsContext value: ${l}`);
        return l as LabelsContextName;
      });
      continue;
    }
    if (raw === '') throw new MetricsError('METRICS_CONFIG', `option ${o.key} needs a value`);
    const ids = parseIdentifiers(raw);
    if (k === 'sourcecontext') c.source = ids;
    else if (k === 'sourceingresscontext') c.sourceIngress = ids;
    else if (k === 'sourceegresscontext') c.sourceEgress = ids;
    else if (k === 'destinationcontext') c.destination = ids;
    else if (k === 'destinationingresscontext') c.destinationIngress = ids;
    else c.destinationEgress = ids;
  }
  return c;
}

/** Degraded value of an endpoint at a level ≥ 1: `ns/workload`, `ns/_overflow_`, reserved identity, `_overflow_`. */
export function degradedEndpoint(ep: Endpoint | undefined, level: number): string {
  if (level >= 3) return OVERFLOW_VALUE;
  const ns = ep?.namespace ?? '';
  if (ns !== '') {
    const wl = ep?.workloads?.[0]?.name ?? '';
    return level === 1 && wl !== '' ? `${ns}/${wl}` : `${ns}/${OVERFLOW_VALUE}`;
  }
  const reserved = reservedIdentity(ep?.labels);
  return reserved !== '' ? reserved : OVERFLOW_VALUE;
}

/** The `reserved-identity` value: `reserved:kube-apiserver` if present, else the first `reserved:` label. */
export function reservedIdentity(labels: readonly string[] | undefined): string {
  if (labels === undefined) return '';
  if (labels.includes('reserved:kube-apiserver')) return 'reserved:kube-apiserver';
  for (const l of labels) if (l.startsWith('reserved:')) return l;
  return '';
}

const APP_KEYS = ['k8s:app.kubernetes.io/name=', 'k8s:k8s-app=', 'k8s:app='];

/** The `app` value: first label (in list order) with an app key and a non-empty value. */
export function appLabel(labels: readonly string[] | undefined): string {
  if (labels === undefined) return '';
  for (const l of labels) {
    for (const k of APP_KEYS) {
      if (l.startsWith(k) && l.length > k.length) return l.slice(k.length);
    }
  }
  return '';
}

/** `namespace/pod` (just the pod without namespace; `namespace/` without pod). */
export function podPath(ep: Endpoint | undefined): string {
  if (ep === undefined) return '';
  const ns = ep.namespace;
  const pod = ep.pod_name ?? '';
  return ns !== undefined && ns !== '' ? ns + '/' + pod : pod;
}

/** Value of one identifier for the source (`isSource`) or destination endpoint of a flow. */
export function identifierValue(id: Identifier, flow: Flow, isSource: boolean): string {
  const ep = isSource ? flow.source : flow.destination;
  switch (id) {
    case 'pod':
      return podPath(ep);
    case 'namespace':
      return ep?.namespace ?? '';
    case 'pod-name':
      return ep?.pod_name ?? '';
    case 'identity':
      return ep?.labels?.join(',') ?? '';
    case 'dns':
      return (isSource ? flow.source_names : flow.destination_names)?.join(',') ?? '';
    case 'ip':
      return (isSource ? flow.IP?.source : flow.IP?.destination) ?? '';
    case 'reserved-identity':
      return reservedIdentity(ep?.labels);
    case 'workload': {
      const wl = ep?.workloads?.[0]?.name ?? '';
      if (wl === '') return '';
      const ns = ep?.namespace ?? '';
      return ns === '' ? wl : `${ns}/${wl}`;
    }
    case 'workload-name':
      return ep?.workloads?.[0]?.name ?? '';
    case 'app':
      return appLabel(ep?.labels);
  }
}

/** Value of a label list at a level: first non-empty identifier, folded if finer than the level. */
function listValue(
  ids: readonly Identifier[] | undefined,
  flow: Flow,
  isSource: boolean,
  level: number,
): string {
  if (ids === undefined) return '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const v = identifierValue(id, flow, isSource);
    if (v !== '')
      return RANK[id] >= level ? v : degradedEndpoint(isSource ? flow.source : flow.destination, level);
  }
  return '';
}

function labelsContextValue(name: LabelsContextName, flow: Flow, invert: boolean, level: number): string {
  if (level > LABEL_RANK[name]) return OVERFLOW_VALUE;
  const src = invert ? flow.destination : flow.source;
  const dst = invert ? flow.source : flow.destination;
  switch (name) {
    case 'source_ip':
      return (invert ? flow.IP?.destination : flow.IP?.source) ?? '';
    case 'source_pod':
      return src?.pod_name ?? '';
    case 'source_namespace':
      return src?.namespace ?? '';
    case 'source_workload':
      return src?.workloads?.[0]?.name ?? '';
    case 'source_workload_kind':
      return src?.workloads?.[0]?.kind ?? '';
    case 'source_app':
      return appLabel(src?.labels);
    case 'destination_ip':
      return (invert ? flow.IP?.source : flow.IP?.destination) ?? '';
    case 'destination_pod':
      return dst?.pod_name ?? '';
    case 'destination_namespace':
      return dst?.namespace ?? '';
    case 'destination_workload':
      return dst?.workloads?.[0]?.name ?? '';
    case 'destination_workload_kind':
      return dst?.workloads?.[0]?.kind ?? '';
    case 'destination_app':
      return appLabel(dst?.labels);
    case 'traffic_direction': {
      const d = directionName(flow);
      return d === 'INGRESS' ? 'ingress' : d === 'EGRESS' ? 'egress' : 'unknown';
    }
  }
}

/**
 * The context labels of one handler: names, and a filler writing their values.
 *
 * Label names are `source`, `destination` (each present when any of its three options is
 * set), then the `labelsContext` names in Hubble's fixed order.
 */
export class ContextLabels {
  /** Label names, in fill order. */
  readonly names: readonly string[];
  /** True when any label can fold (everything except `traffic_direction`). */
  readonly degradable: boolean;
  /** Labels naming a pod, for series cleanup when a pod is deleted. */
  readonly podLabels: ({ path: string } | { namespace: string; pod: string })[];
  private readonly hasSource: boolean;
  private readonly hasDestination: boolean;
  private readonly labels: readonly LabelsContextName[];
  // Per-flow memos, one per orientation: handlers with the same context options share one
  // ContextLabels, so a flow's key is computed once for all of them.
  private memoFlow0: Flow | undefined = undefined;
  private memoKey0 = 0;
  private memoFlow1: Flow | undefined = undefined;
  private memoKey1 = 0;
  private seq0 = 0;
  private seqKey0 = 0;
  private seq1 = 0;
  private seqKey1 = 0;
  private readonly values: string[];
  /**
   * Fast path for the common configuration where every identifier list is just `pod` and there
   * is no labelsContext (ACNS's contexts, `sourceContext=pod;destinationContext=pod`): which
   * side has a value for ingress, egress and other flows. The key is then made of the pod ids
   * of the two endpoints, without building the label strings.
   */
  private readonly podOnly: boolean;
  private readonly srcWhen: [boolean, boolean, boolean];
  private readonly dstWhen: [boolean, boolean, boolean];

  constructor(
    readonly config: ContextConfig,
    /** Where key ids come from; shared by the handlers and families of a pipeline. */
    readonly keys: KeySpace = new KeySpace(),
  ) {
    const c = config;
    this.hasSource = !!(c.source || c.sourceIngress || c.sourceEgress);
    this.hasDestination = !!(c.destination || c.destinationIngress || c.destinationEgress);
    this.labels = LABELS_CONTEXT.filter((l) => c.labels?.includes(l));
    const names: string[] = [];
    if (this.hasSource) names.push('source');
    if (this.hasDestination) names.push('destination');
    names.push(...this.labels);
    this.names = names;
    this.values = new Array<string>(names.length).fill('');
    const lists = [
      c.source,
      c.sourceIngress,
      c.sourceEgress,
      c.destination,
      c.destinationIngress,
      c.destinationEgress,
    ];
    this.podOnly =
      this.labels.length === 0 &&
      (this.hasSource || this.hasDestination) &&
      lists.every((l) => l === undefined || (l.length === 1 && l[0] === 'pod'));
    // Indexed by direction code: 0 other, 1 ingress, 2 egress.
    this.srcWhen = [
      c.source !== undefined,
      (c.sourceIngress ?? c.source) !== undefined,
      (c.sourceEgress ?? c.source) !== undefined,
    ];
    this.dstWhen = [
      c.destination !== undefined,
      (c.destinationIngress ?? c.destination) !== undefined,
      (c.destinationEgress ?? c.destination) !== undefined,
    ];
    this.degradable =
      this.hasSource || this.hasDestination || this.labels.some((l) => l !== 'traffic_direction');
    keys.onReset(() => {
      // Keys of the old epoch mean nothing now.
      this.memoFlow0 = this.memoFlow1 = undefined;
      this.seq0 = this.seq1 = 0;
    });
    const usesPod = (...lists: (Identifier[] | undefined)[]) => lists.some((l) => l?.includes('pod'));
    this.podLabels = [];
    if (usesPod(c.source, c.sourceIngress, c.sourceEgress)) this.podLabels.push({ path: 'source' });
    if (usesPod(c.destination, c.destinationIngress, c.destinationEgress))
      this.podLabels.push({ path: 'destination' });
    if (this.labels.includes('source_namespace') && this.labels.includes('source_pod'))
      this.podLabels.push({ namespace: 'source_namespace', pod: 'source_pod' });
    if (this.labels.includes('destination_namespace') && this.labels.includes('destination_pod'))
      this.podLabels.push({ namespace: 'destination_namespace', pod: 'destination_pod' });
  }

  /** Number of context labels. */
  get size(): number {
    return this.names.length;
  }

  /**
   * A number standing for the exact (level 0) values of a flow, the first part of a
   * {@link Family.atKey} key: equal numbers mean equal values within one KeySpace epoch.
   * `invert` is the request's point of view (see {@link ContextLabels.fill}). Memoized per flow
   * and orientation.
   */
  key(flow: Flow, invert = false): number {
    if (invert) {
      if (this.memoFlow1 !== flow) {
        this.memoKey1 = this.computeKey(flow, true, directionCode(flow), flow.source, flow.destination);
        this.memoFlow1 = flow;
      }
      return this.memoKey1;
    }
    if (this.memoFlow0 !== flow) {
      this.memoKey0 = this.computeKey(flow, false, directionCode(flow), flow.source, flow.destination);
      this.memoFlow0 = flow;
    }
    return this.memoKey0;
  }

  /** {@link key} of the flow of `facts`, memoized by the facts' sequence number. */
  keyOf(facts: FlowFacts, invert = false): number {
    if (invert) {
      if (this.seq1 !== facts.seq) {
        this.seqKey1 = this.computeKey(facts.flow, true, facts.direction, facts.source, facts.destination);
        this.seq1 = facts.seq;
      }
      return this.seqKey1;
    }
    if (this.seq0 !== facts.seq) {
      this.seqKey0 = this.computeKey(facts.flow, false, facts.direction, facts.source, facts.destination);
      this.seq0 = facts.seq;
    }
    return this.seqKey0;
  }

  /**
   * Writes the context label values at out[off...]. `invert` computes them from the request's
   * point of view for response flows (httpV2): the values are swapped after computation.
   */
  fill(out: string[], off: number, flow: Flow, level: number, invert = false): void {
    this.compute(out, off, flow, level, invert);
  }

  /** The key of a flow; `dir` is its {@link directionCode}, `src` and `dst` its endpoints. */
  private computeKey(
    flow: Flow,
    invert: boolean,
    dir: number,
    src: Endpoint | undefined,
    dst: Endpoint | undefined,
  ): number {
    const keys = this.keys;
    if (this.podOnly) {
      let s = this.srcWhen[dir] ? keys.podId(src) : 0;
      let t = this.dstWhen[dir] ? keys.podId(dst) : 0;
      if (invert) {
        const x = s;
        s = t;
        t = x;
      }
      return this.hasSource && this.hasDestination ? keys.podPair(s, t) : this.hasSource ? s : t;
    }
    // General case: the values themselves, folded into one id.
    const v = this.values;
    this.compute(v, 0, flow, 0, invert);
    if (v.length === 0) return 0;
    let k = keys.str(v[0]!);
    for (let i = 1; i < v.length; i++) k = keys.pair(k, keys.str(v[i]!));
    return k;
  }

  private compute(out: string[], off: number, flow: Flow, level: number, invert: boolean): void {
    const c = this.config;
    let i = off;
    if (this.hasSource || this.hasDestination) {
      const dir = flow.traffic_direction;
      const ingress = dir === 'INGRESS' || dir === 1;
      const egress = dir === 'EGRESS' || dir === 2;
      const srcIds =
        ingress && c.sourceIngress ? c.sourceIngress : egress && c.sourceEgress ? c.sourceEgress : c.source;
      const dstIds =
        ingress && c.destinationIngress
          ? c.destinationIngress
          : egress && c.destinationEgress
            ? c.destinationEgress
            : c.destination;
      let s = listValue(srcIds, flow, true, level);
      let d = listValue(dstIds, flow, false, level);
      if (invert) {
        const t = s;
        s = d;
        d = t;
      }
      if (this.hasSource) out[i++] = s;
      if (this.hasDestination) out[i++] = d;
    }
    const labels = this.labels;
    for (let k = 0; k < labels.length; k++) out[i++] = labelsContextValue(labels[k]!, flow, invert, level);
  }
}
