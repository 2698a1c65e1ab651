/**
 * The gRPC transport: a small gRPC server and client over node:http2, the Observer service
 * (Hubble's observer.Observer) and grpc.health.v1. Backends plug in through ObserverBackend.
 */
export { GrpcServer, type GrpcServerOptions, type MethodHandler, type ServerCall } from './grpc-server.js';
export { GrpcClient, parseTarget, type GrpcClientOptions, type CallOptions } from './grpc-client.js';
export { Code, GrpcError, codeName } from './status.js';
export {
  registerHealth,
  ServingStatus,
  OBSERVER_HEALTH_SERVICE,
  HEALTH_PATHS,
  encodeHealthRequest,
  decodeHealthResponse,
  type ServingStatusValue,
} from './health-service.js';
export {
  registerObserver,
  parseGetFlows,
  defaultObserverLimits,
  type ObserverLimits,
} from './observer-service.js';
export { compileFieldMask, FieldMaskError, type EventMask } from './field-mask.js';
export type {
  FlowsQuery,
  FlowSink,
  ObserverBackend,
  ObserverNode,
  ObserverNamespace,
  ServerStatusInfo,
} from './observer-backend.js';
export { ObserverClient, encodeGetFlowsRequest, type GetFlowsRequestInit } from './observer-client.js';
export { LocalObserverBackend, LostEventCoalescer, type LocalBackendDeps } from './local-backend.js';
export { GrpcFlowSink } from './flow-sink.js';
