/**
 * grpc.health.v1.Health: Check and Watch. `hubble status` calls Check with service
 * "hubble.server.Observer" and requires SERVING before it asks for ServerStatus.
 * The two messages are tiny (one field each), so they are encoded by hand here instead of
 * generating code for health.proto.
 */
import type { GrpcServer } from './grpc-server.js';
import { Code, GrpcError } from './status.js';
import { frame, ProtoReader, ProtoWriter } from './wire/index.js';

/** grpc.health.v1.HealthCheckResponse.ServingStatus. */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
/** A serving status number. */
export type ServingStatusValue = (typeof ServingStatus)[keyof typeof ServingStatus];

/** The service name `hubble status` checks. */
export const OBSERVER_HEALTH_SERVICE = 'hubble.server.Observer';

/** Paths of the health methods (registered as public: no token needed). */
export const HEALTH_PATHS = ['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch'];

/** Decodes a HealthCheckRequest (field 1: service). */
export function decodeHealthRequest(bytes: Uint8Array): string {
  const r = new ProtoReader(bytes);
  let service = '';
  while (r.more()) {
    const t = r.uint32();
    if (t === 10) service = r.string();
    else r.skip(t & 7);
  }
  return service;
}

/** Encodes a HealthCheckResponse (field 1: status). */
export function encodeHealthResponse(status: number): Uint8Array {
  const w = new ProtoWriter(8);
  if (status !== 0) {
    w.uint32(8);
    w.uint32(status);
  }
  return w.finish();
}

/** Encodes a HealthCheckRequest (for clients). */
export function encodeHealthRequest(service: string): Uint8Array {
  const w = new ProtoWriter(64);
  if (service) {
    w.uint32(10);
    w.string(service);
  }
  return w.finish();
}

/** Decodes a HealthCheckResponse's status (for clients). */
export function decodeHealthResponse(bytes: Uint8Array): number {
  const r = new ProtoReader(bytes);
  let status = 0;
  while (r.more()) {
    const t = r.uint32();
    if (t === 8) status = r.uint32();
    else r.skip(t & 7);
  }
  return status;
}

/**
 * Registers Health on the server. `statusOf` answers for a service name: a ServingStatus, or
 * undefined when the service is unknown (Check then fails with NOT_FOUND, as grpc-go does).
 */
export function registerHealth(
  server: GrpcServer,
  statusOf: (service: string) => ServingStatusValue | undefined,
): void {
  server.register(HEALTH_PATHS[0], {
    kind: 'unary',
    async handle(req) {
      const service = decodeHealthRequest(req);
      const st = statusOf(service);
      if (st === undefined) throw new GrpcError(Code.NOT_FOUND, 'unknown service');
      return encodeHealthResponse(st);
    },
  });
  server.register(HEALTH_PATHS[1], {
    kind: 'server-stream',
    counted: false,
    async handle(req, call) {
      const service = decodeHealthRequest(req);
      let last = -1;
      while (!call.signal.aborted) {
        const st = statusOf(service) ?? ServingStatus.SERVICE_UNKNOWN;
        if (st !== last) {
          call.write(frame(encodeHealthResponse(st)));
          last = st;
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, 1000);
          call.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
      }
    },
  });
}
