/**
 * `flowlens relay --peer HOST:PORT ...`: a Hubble-Relay-compatible fan-in of many nodes (flowlens
 * or real Hubble). Serves the Observer gRPC API, a read-only HTTP API and /metrics; keeps
 * serving while nodes are down and says which are missing.
 */
import http from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import {
  addSettingOptions,
  commonSettings,
  loadRelayConfig,
  relaySettings,
  type RelayConfig,
} from '../../config/index.js';
import { PeerPool, RelayBackend, RelayHttpBackend, renderRelayMetrics } from '../../relay/index.js';
import {
  GrpcServer,
  OBSERVER_HEALTH_SERVICE,
  registerHealth,
  registerObserver,
  ServingStatus,
} from '../../server/grpc/index.js';
import { HttpApiServer, listenMetrics, registerRoutes } from '../../server/http/index.js';
import { VERSION } from '../version.js';
import { startFailure } from './serve.js';
import {
  consoleIO,
  describeListener,
  onShutdownSignal,
  peerClientOptions,
  serverTls,
  type ServerIO,
} from './server-lifecycle.js';
import type { CliCommand } from './types.js';

/** A running relay. */
export interface RelayServer {
  grpc?: AddressInfo;
  http?: AddressInfo;
  metrics?: AddressInfo;
  pool: PeerPool;
  backend: RelayBackend;
  stop(): Promise<void>;
}

/** Builds and starts the relay. */
export async function startRelay(cfg: RelayConfig, io: ServerIO): Promise<RelayServer> {
  let draining = false;
  const pool = new PeerPool(cfg.peers, {
    client: peerClientOptions(cfg.peer),
    retryTimeoutMs: cfg.retryTimeoutMs,
    onChange: (p, prev) =>
      io.log(`peer ${p.name} (${p.address}): ${prev} -> ${p.state}${p.message ? ` (${p.message})` : ''}`),
  });
  await pool.start();
  const backend = new RelayBackend(pool, {
    sortBufferMax: cfg.sortBufferMax,
    sortDrainMs: cfg.sortDrainMs,
    errorAggregationMs: cfg.errorAggregationMs,
    nodeName: cfg.nodeName,
    version: `flowlens-relay v${VERSION}`,
  });
  const tls = serverTls(cfg);
  const closers: (() => Promise<void>)[] = [];
  const out: RelayServer = { pool, backend, stop: async () => {} };
  let grpcServer: GrpcServer | undefined;
  if (cfg.grpcListen) {
    grpcServer = new GrpcServer({
      tls,
      authToken: cfg.authToken,
      publicPaths: ['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch'],
      maxReceiveBytes: cfg.maxRequestBytes,
      maxStreams: cfg.maxStreams,
    });
    registerObserver(grpcServer, backend, { maxFilters: cfg.maxFilters });
    registerHealth(grpcServer, (svc) =>
      svc === '' || svc === OBSERVER_HEALTH_SERVICE
        ? !draining && backend.serving()
          ? ServingStatus.SERVING
          : ServingStatus.NOT_SERVING
        : undefined,
    );
    out.grpc = await grpcServer.listen(cfg.grpcListen.host, cfg.grpcListen.port);
    closers.push(() => grpcServer!.close(cfg.drainTimeoutMs));
  }
  const metricsText = () => renderRelayMetrics(pool, backend.stats, grpcServer?.streams ?? 0);
  if (cfg.httpListen) {
    const api = new HttpApiServer({ tls, authToken: cfg.authToken, maxUrlBytes: cfg.maxRequestBytes });
    registerRoutes(
      api,
      new RelayHttpBackend(pool, {
        version: `flowlens-relay v${VERSION}`,
        authRequired: !!cfg.authToken,
        draining: () => draining,
      }),
      {
        maxFilters: cfg.maxFilters,
        maxStreams: cfg.maxStreams,
        version: VERSION,
        metrics: metricsText,
      },
    );
    out.http = await api.listen(cfg.httpListen.host, cfg.httpListen.port);
    closers.push(() => api.close(cfg.drainTimeoutMs));
  }
  if (cfg.metricsListen) {
    const m = await listenMetrics(
      metricsOnly(metricsText, cfg.authToken),
      cfg.metricsListen.host,
      cfg.metricsListen.port,
    );
    out.metrics = m.address;
    closers.push(() => new Promise<void>((r) => (m.server.closeAllConnections(), m.server.close(() => r()))));
  }
  let stopping: Promise<void> | undefined;
  out.stop = () =>
    (stopping ??= (async () => {
      draining = true;
      await Promise.all(closers.map((c) => c().catch(() => {})));
      await pool.stop();
    })());
  return out;
}

function metricsOnly(render: () => string, token?: string): http.RequestListener {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics')
      return void res.writeHead(404).end('not found: metrics are at /metrics\n');
    if (token && req.headers.authorization !== `Bearer ${token}`)
      return void res
        .writeHead(401, { 'www-authenticate': 'Bearer' })
        .end('missing or invalid bearer token\n');
    const body = render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  };
}

/** The `relay` command. */
export const relayCommand: CliCommand = {
  name: 'relay',
  register(program: Command): void {
    const cmd = program
      .command('relay')
      .description('fan in many Hubble or flowlens nodes behind one Observer API (Hubble Relay compatible)')
      .option('--config <FILE>', 'YAML or JSON config file [env FLOWLENS_CONFIG]');
    addSettingOptions(cmd, [...commonSettings, ...relaySettings]);
    cmd.addHelpText(
      'after',
      '\nPeers may be named: --peer node-a=10.0.0.5:4245. Without a name, a flowlens peer names itself and a Hubble agent is named by its flows.\n\nExample:\n  flowlens relay --peer 10.0.0.5:4244 --peer 10.0.0.6:4244 --grpc-listen 127.0.0.1:4245',
    );
    cmd.action(async (_opts: unknown, command: Command) => {
      let cfg: RelayConfig;
      try {
        const flags = command.opts() as Record<string, unknown>;
        cfg = loadRelayConfig(
          {
            flags,
            env: process.env,
            configFile: (flags.config as string | undefined) ?? process.env.FLOWLENS_CONFIG,
          },
          (p) => readFileSync(p, 'utf8'),
        );
      } catch (err) {
        process.exitCode = startFailure('relay', err);
        return;
      }
      const io = consoleIO(cfg.quiet);
      try {
        const r = await startRelay(cfg, io);
        io.log(
          `flowlens relay v${VERSION}: ${r.pool.connected().length}/${r.pool.peers.length} peers connected`,
        );
        if (r.grpc) io.log('  ' + describeListener('gRPC', r.grpc, cfg, true));
        if (r.http) io.log('  ' + describeListener('HTTP', r.http, cfg, true));
        if (r.metrics)
          io.log('  ' + describeListener('metrics', r.metrics, { ...cfg, tls: undefined }, false));
        const sig = onShutdownSignal(() => r.stop(), io);
        await sig.done;
        sig.dispose();
        process.exitCode = 0;
      } catch (err) {
        process.exitCode = startFailure('relay', err);
      }
    });
  },
};
