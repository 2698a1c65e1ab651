/**
 * What the Observer gRPC service needs from whoever holds the flows: the local server (ring +
 * store) or the relay (peers). The service parses and validates requests; backends only answer.
 */
import type { FlowEvent } from '../../flow/index.js';
import type { FlowFilter, FlowPredicate } from '../../filter/index.js';

/** A validated GetFlows request. */
export interface FlowsQuery {
  /** 0 = no count limit. */
  number: number;
  first: boolean;
  follow: boolean;
  /** Canonical RFC 3339, inclusive. */
  since?: string;
  /** Canonical RFC 3339: the stream ends at the first flow after it. */
  until?: string;
  whitelist: FlowFilter[];
  blacklist: FlowFilter[];
  /** The compiled whitelist/blacklist; undefined when both are empty. */
  predicate?: FlowPredicate;
  /** Flow paths to keep (from field_mask or experimental.field_mask). */
  fieldMask: string[];
  /** The request bytes as received (the relay forwards them unchanged). */
  raw: Uint8Array;
}

/** Where a backend writes responses. Batches internally; call flush() when `needsFlush`. */
export interface FlowSink {
  /** Queues one response (the field mask, if any, is applied here). */
  event(ev: FlowEvent): void;
  /** Queues one already encoded GetFlowsResponse (unframed), e.g. a peer's bytes. */
  raw(bytes: Uint8Array): void;
  /** True when enough is queued that the caller should await flush(). */
  readonly needsFlush: boolean;
  /** Sends what is queued and waits while the client is slow. */
  flush(): Promise<void>;
  /** Responses queued so far. */
  readonly sent: number;
}

/** ServerStatusResponse in its JSON shape (uint64 as numbers here; encoded by the service). */
export interface ServerStatusInfo {
  numFlows: number;
  maxFlows: number;
  seenFlows: number;
  uptimeNs: number;
  /** Relay-style node counts; undefined leaves the wrapper fields unset (agent behaviour). */
  numConnectedNodes?: number;
  numUnavailableNodes?: number;
  unavailableNodes?: string[];
  version: string;
  flowsRate: number;
}

/** observer.Node in a plain shape. */
export interface ObserverNode {
  name: string;
  version?: string;
  address?: string;
  state: 'NODE_CONNECTED' | 'NODE_UNAVAILABLE' | 'NODE_GONE' | 'NODE_ERROR' | 'UNKNOWN_NODE_STATE';
  tls?: { enabled: boolean; serverName?: string };
  uptimeNs?: number;
  numFlows?: number;
  maxFlows?: number;
  seenFlows?: number;
}

/** observer.Namespace. */
export interface ObserverNamespace {
  cluster?: string;
  namespace: string;
}

/** The backend of the Observer service. */
export interface ObserverBackend {
  getFlows(q: FlowsQuery, sink: FlowSink, signal: AbortSignal): Promise<void>;
  serverStatus(signal: AbortSignal): Promise<ServerStatusInfo>;
  getNodes(signal: AbortSignal): Promise<ObserverNode[]>;
  getNamespaces(signal: AbortSignal): Promise<ObserverNamespace[]>;
  /** Health of "hubble.server.Observer": false reports NOT_SERVING. */
  serving(): boolean;
}
