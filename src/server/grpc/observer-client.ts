/**
 * A typed Observer client over {@link GrpcClient}: what the hubble-grpc source and the relay use
 * to talk to Hubble agents, Hubble Relay or other flowlens servers.
 */
import type { FlowEvent } from '../../flow/index.js';
import type { FlowFilter } from '../../filter/index.js';
import {
  GetFlowsRequestSchema,
  GetNamespacesResponseSchema,
  GetNodesResponseSchema,
  ServerStatusResponseSchema,
} from '../../gen/observer/observer_pb.js';
import { GrpcClient, type CallOptions, type GrpcClientOptions } from './grpc-client.js';
import { decodeHealthResponse, encodeHealthRequest, OBSERVER_HEALTH_SERVICE } from './health-service.js';
import type { ObserverNamespace, ObserverNode, ServerStatusInfo } from './observer-backend.js';
import { decodeEventBytes, decodeMessage, encodeMessage } from './wire/index.js';

/** GetFlowsRequest fields in the in-memory shape. */
export interface GetFlowsRequestInit {
  /** A bigint reaches uint64's range (`hubble observe --all` asks for 2^64 - 1). */
  number?: number | bigint;
  first?: boolean;
  follow?: boolean;
  whitelist?: FlowFilter[];
  blacklist?: FlowFilter[];
  since?: string;
  until?: string;
  fieldMask?: string[];
  /** v0.12.3's experimental.field_mask. */
  experimentalFieldMask?: string[];
}

/** Encodes a GetFlowsRequest. */
export function encodeGetFlowsRequest(r: GetFlowsRequestInit): Uint8Array {
  return encodeMessage(GetFlowsRequestSchema, {
    number: r.number ? String(r.number) : undefined,
    first: r.first,
    follow: r.follow,
    whitelist: r.whitelist,
    blacklist: r.blacklist,
    since: r.since,
    until: r.until,
    field_mask: r.fieldMask?.length ? r.fieldMask.join(',') : undefined,
    experimental: r.experimentalFieldMask?.length
      ? { field_mask: r.experimentalFieldMask.join(',') }
      : undefined,
  });
}

const num = (v: unknown): number => (v === undefined ? 0 : Number(v));

/** Observer calls against one target. */
export class ObserverClient {
  readonly grpc: GrpcClient;

  constructor(target: string, opts: GrpcClientOptions = {}) {
    this.grpc = new GrpcClient(target, opts);
  }

  /** grpc.health.v1 Check of "hubble.server.Observer": the ServingStatus number. */
  async health(o: CallOptions = {}): Promise<number> {
    const res = await this.grpc.unary(
      '/grpc.health.v1.Health/Check',
      encodeHealthRequest(OBSERVER_HEALTH_SERVICE),
      o,
    );
    return decodeHealthResponse(res);
  }

  /** GetFlows with raw response messages (unframed GetFlowsResponse bytes) in batches. */
  getFlowsRaw(req: GetFlowsRequestInit | Uint8Array, o: CallOptions = {}): AsyncGenerator<Uint8Array[]> {
    const bytes = req instanceof Uint8Array ? req : encodeGetFlowsRequest(req);
    return this.grpc.stream('/observer.Observer/GetFlows', bytes, o);
  }

  /** GetFlows decoded into FlowEvents, in batches. */
  async *getFlows(req: GetFlowsRequestInit, o: CallOptions = {}): AsyncGenerator<FlowEvent[]> {
    for await (const batch of this.getFlowsRaw(req, o)) yield batch.map(decodeEventBytes);
  }

  /** ServerStatus. */
  async serverStatus(o: CallOptions = {}): Promise<ServerStatusInfo> {
    const m = decodeMessage<Record<string, unknown>>(
      ServerStatusResponseSchema,
      await this.grpc.unary('/observer.Observer/ServerStatus', new Uint8Array(0), o),
    );
    return {
      numFlows: num(m.num_flows),
      maxFlows: num(m.max_flows),
      seenFlows: num(m.seen_flows),
      uptimeNs: num(m.uptime_ns),
      numConnectedNodes: m.num_connected_nodes as number | undefined,
      numUnavailableNodes: m.num_unavailable_nodes as number | undefined,
      unavailableNodes: (m.unavailable_nodes as string[] | undefined) ?? [],
      version: (m.version as string | undefined) ?? '',
      flowsRate: num(m.flows_rate),
    };
  }

  /** GetNodes. */
  async getNodes(o: CallOptions = {}): Promise<ObserverNode[]> {
    const m = decodeMessage<{ nodes?: Record<string, unknown>[] }>(
      GetNodesResponseSchema,
      await this.grpc.unary('/observer.Observer/GetNodes', new Uint8Array(0), o),
    );
    return (m.nodes ?? []).map((n) => ({
      name: (n.name as string) ?? '',
      version: n.version as string | undefined,
      address: n.address as string | undefined,
      state: (n.state as ObserverNode['state']) ?? 'UNKNOWN_NODE_STATE',
      tls: n.tls
        ? {
            enabled: !!(n.tls as { enabled?: boolean }).enabled,
            serverName: (n.tls as { server_name?: string }).server_name,
          }
        : undefined,
      uptimeNs: num(n.uptime_ns),
      numFlows: num(n.num_flows),
      maxFlows: num(n.max_flows),
      seenFlows: num(n.seen_flows),
    }));
  }

  /** GetNamespaces. */
  async getNamespaces(o: CallOptions = {}): Promise<ObserverNamespace[]> {
    const m = decodeMessage<{ namespaces?: { cluster?: string; namespace?: string }[] }>(
      GetNamespacesResponseSchema,
      await this.grpc.unary('/observer.Observer/GetNamespaces', new Uint8Array(0), o),
    );
    return (m.namespaces ?? []).map((n) => ({ cluster: n.cluster, namespace: n.namespace ?? '' }));
  }

  /** Closes the connection. */
  close(): void {
    this.grpc.close();
  }
}
