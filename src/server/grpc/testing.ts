/**
 * Test and bench helper: an Observer server over a flow history, on an ephemeral loopback port
 * (or a unix socket), with the Health service as `serve` registers it. Not part of the product's
 * API.
 */
import type { FlowHistory } from '../../pipeline/index.js';
import { GrpcServer } from './grpc-server.js';
import { OBSERVER_HEALTH_SERVICE, registerHealth, ServingStatus } from './health-service.js';
import { LocalObserverBackend, type LocalBackendDeps } from './local-backend.js';
import { registerObserver } from './observer-service.js';

/** A running test server; `close()` stops it. */
export interface TestObserver {
  server: GrpcServer;
  /** The TCP port (0 on a unix socket). */
  port: number;
  /** `HOST:PORT` (127.0.0.1 unless given), or `unix://PATH`. */
  address: string;
  close(): Promise<void>;
}

/**
 * Starts a GrpcServer serving `history` through LocalObserverBackend; `deps` overrides the
 * backend's defaults (node name `test-node`, no namespaces or peers, serving).
 */
export async function startTestObserver(
  history: FlowHistory,
  deps: Partial<Omit<LocalBackendDeps, 'history'>> = {},
  at: { host?: string; port?: number; socketPath?: string } = {},
): Promise<TestObserver> {
  const backend: LocalBackendDeps = {
    history,
    namespaces: () => [],
    nodeName: 'test-node',
    version: 'flowlens v-test',
    address: () => '',
    tls: false,
    startedAt: Date.now(),
    peers: () => [],
    serving: () => true,
    ...deps,
  };
  const server = new GrpcServer();
  registerObserver(server, new LocalObserverBackend(backend));
  registerHealth(server, (svc) =>
    svc === '' || svc === OBSERVER_HEALTH_SERVICE
      ? backend.serving()
        ? ServingStatus.SERVING
        : ServingStatus.NOT_SERVING
      : undefined,
  );
  let port = 0;
  let address: string;
  if (at.socketPath !== undefined) {
    await server.listenPath(at.socketPath);
    address = `unix://${at.socketPath}`;
  } else {
    const host = at.host ?? '127.0.0.1';
    port = (await server.listen(host, at.port ?? 0)).port;
    address = `${host}:${port}`;
  }
  return { server, port, address, close: () => server.close(50) };
}
