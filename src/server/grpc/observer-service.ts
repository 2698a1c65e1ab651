/**
 * The `observer.Observer` service: request decoding and validation with Hubble's messages and
 * status codes, then delegation to an {@link ObserverBackend}.
 */
import { compileFilters, FilterError, type FlowFilter } from '../../filter/index.js';
import {
  GetFlowsRequestSchema,
  GetNamespacesResponseSchema,
  GetNodesResponseSchema,
  ServerStatusResponseSchema,
} from '../../gen/observer/observer_pb.js';
import type { GrpcServer } from './grpc-server.js';
import { compileFieldMask, FieldMaskError } from './field-mask.js';
import { GrpcFlowSink } from './flow-sink.js';
import type { FlowsQuery, ObserverBackend, ServerStatusInfo } from './observer-backend.js';
import { Code, GrpcError } from './status.js';
import { decodeMessage, encodeMessage, ProtoDecodeError } from './wire/index.js';

/** Limits applied to GetFlows requests. */
export interface ObserverLimits {
  /** Most filters in whitelist + blacklist (default 64). */
  maxFilters: number;
}

/** Defaults of {@link ObserverLimits}. */
export const defaultObserverLimits: ObserverLimits = { maxFilters: 64 };

const PREFIX = '/observer.Observer/';

interface RawGetFlowsRequest {
  number?: string;
  first?: boolean;
  follow?: boolean;
  blacklist?: FlowFilter[];
  whitelist?: FlowFilter[];
  since?: string;
  until?: string;
  field_mask?: string;
  experimental?: { field_mask?: string };
}

/** Decodes and validates a GetFlowsRequest (InvalidArgument errors carry Hubble's wording). */
export function parseGetFlows(raw: Uint8Array, limits: ObserverLimits = defaultObserverLimits): FlowsQuery {
  let req: RawGetFlowsRequest;
  try {
    req = decodeMessage<RawGetFlowsRequest>(GetFlowsRequestSchema, raw);
  } catch (err) {
    if (err instanceof ProtoDecodeError)
      throw new GrpcError(Code.INTERNAL, `grpc: error unmarshalling request: ${err.message}`);
    throw err;
  }
  const first = req.first === true;
  const follow = req.follow === true;
  if (first && follow) throw new GrpcError(Code.INVALID_ARGUMENT, 'first cannot be specified with follow');
  // `hubble observe --all` sends 2^64-1: "everything", which streams with back-pressure.
  const number = req.number ? Math.min(Number(req.number), Number.MAX_SAFE_INTEGER) : 0;
  const whitelist = req.whitelist ?? [];
  const blacklist = req.blacklist ?? [];
  if (whitelist.length + blacklist.length > limits.maxFilters) {
    throw new GrpcError(
      Code.INVALID_ARGUMENT,
      `too many filters: ${whitelist.length + blacklist.length} (limit ${limits.maxFilters})`,
    );
  }
  let predicate;
  try {
    // No lists: no predicate at all, so readers can position without joining every flow.
    predicate = whitelist.length + blacklist.length > 0 ? compileFilters(whitelist, blacklist) : undefined;
  } catch (err) {
    if (err instanceof FilterError) throw new GrpcError(Code.INVALID_ARGUMENT, err.message, { cause: err });
    throw err;
  }
  const mask = req.field_mask || req.experimental?.field_mask || '';
  const fieldMask = mask ? mask.split(',') : [];
  return {
    number,
    first,
    follow,
    since: req.since,
    until: req.until,
    whitelist,
    blacklist,
    predicate,
    fieldMask,
    raw,
  };
}

function statusMessage(s: ServerStatusInfo): Record<string, unknown> {
  const m: Record<string, unknown> = {
    num_flows: String(Math.round(s.numFlows)),
    max_flows: String(Math.round(s.maxFlows)),
    seen_flows: String(Math.round(s.seenFlows)),
    uptime_ns: String(Math.round(s.uptimeNs)),
    unavailable_nodes: s.unavailableNodes,
    version: s.version,
    flows_rate: s.flowsRate,
  };
  if (s.numConnectedNodes !== undefined) m.num_connected_nodes = s.numConnectedNodes;
  if (s.numUnavailableNodes !== undefined) m.num_unavailable_nodes = s.numUnavailableNodes;
  return m;
}

/** Registers the Observer service on a server. */
export function registerObserver(
  server: GrpcServer,
  backend: ObserverBackend,
  limits: ObserverLimits = defaultObserverLimits,
): void {
  server.register(PREFIX + 'GetFlows', {
    kind: 'server-stream',
    async handle(req, call) {
      const q = parseGetFlows(req, limits);
      let mask;
      try {
        mask = compileFieldMask(q.fieldMask);
      } catch (err) {
        if (err instanceof FieldMaskError) throw new GrpcError(Code.INVALID_ARGUMENT, err.message);
        throw err;
      }
      const sink = new GrpcFlowSink(call, mask);
      await backend.getFlows(q, sink, call.signal);
      if (!call.signal.aborted) await sink.flush();
    },
  });
  server.register(PREFIX + 'ServerStatus', {
    kind: 'unary',
    async handle(_req, call) {
      return encodeMessage(
        ServerStatusResponseSchema,
        statusMessage(await backend.serverStatus(call.signal)),
      );
    },
  });
  server.register(PREFIX + 'GetNodes', {
    kind: 'unary',
    async handle(_req, call) {
      const nodes = await backend.getNodes(call.signal);
      return encodeMessage(GetNodesResponseSchema, {
        nodes: nodes.map((n) => ({
          name: n.name,
          version: n.version,
          address: n.address,
          state: n.state,
          tls: n.tls ? { enabled: n.tls.enabled, server_name: n.tls.serverName } : undefined,
          uptime_ns: n.uptimeNs !== undefined ? String(Math.round(n.uptimeNs)) : undefined,
          num_flows: n.numFlows !== undefined ? String(n.numFlows) : undefined,
          max_flows: n.maxFlows !== undefined ? String(n.maxFlows) : undefined,
          seen_flows: n.seenFlows !== undefined ? String(n.seenFlows) : undefined,
        })),
      });
    },
  });
  server.register(PREFIX + 'GetNamespaces', {
    kind: 'unary',
    async handle(_req, call) {
      const ns = await backend.getNamespaces(call.signal);
      return encodeMessage(GetNamespacesResponseSchema, {
        namespaces: ns.map((n) => ({ cluster: n.cluster, namespace: n.namespace })),
      });
    },
  });
  for (const m of ['GetAgentEvents', 'GetDebugEvents']) {
    server.register(PREFIX + m, {
      kind: 'server-stream',
      counted: false,
      async handle() {
        throw new GrpcError(
          Code.UNIMPLEMENTED,
          `${m} is not supported by flowlens (it has no agent or debug events)`,
        );
      },
    });
  }
}
