/**
 * The composition root of `flowlens serve` (and `demo`): builds the history, the pipeline with
 * its stages, the sources, and the gRPC, HTTP and metrics listeners from a validated config, and
 * stops them in order (sources, drain the queue, streams, store).
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { ConfigError, type ServeConfig } from '../../config/index.js';
import { createMetricsPipeline, MetricsError, type MetricsPipeline } from '../../metrics/index.js';
import {
  NamespaceTracker,
  Pipeline,
  SourceRunner,
  StoreHistory,
  type FlowHistory,
} from '../../pipeline/index.js';
import { createSource, type FlowSource } from '../../sources/index.js';
import {
  GrpcServer,
  LocalObserverBackend,
  OBSERVER_HEALTH_SERVICE,
  registerHealth,
  registerObserver,
  ServingStatus,
} from '../../server/grpc/index.js';
import {
  HttpApiServer,
  LocalHttpBackend,
  listenMetrics,
  metricsHandler,
  pushdown,
  registerRoutes,
} from '../../server/http/index.js';
import { VERSION } from '../version.js';
import { addr, peerClientOptions, serverTls, within, type ServerIO } from './server-lifecycle.js';
import { ServerStatusView } from './server-status.js';
import { diagnosisProvider } from './diagnosis-provider.js';

/** Extra wiring for tests and the demo. */
export interface LocalServerOptions {
  /** Sources built by the caller instead of (or besides) cfg.sources. */
  sources?: FlowSource[];
  /** Play simulator scenarios on a loop (the demo). */
  simLoop?: boolean;
  /** Ingest queue bound (default 65,536). */
  maxQueuedEvents?: number;
}

/** A running server. */
export interface LocalServer {
  grpc?: AddressInfo;
  http?: AddressInfo;
  metrics?: AddressInfo;
  history: FlowHistory;
  pipeline: Pipeline;
  sources: SourceRunner;
  metricsPipeline: MetricsPipeline;
  grpcServer?: GrpcServer;
  /** Drains and stops everything (idempotent). */
  stop(): Promise<void>;
}

/** The folder of the built web UI: `web-dist/` at the package root, when present. */
export function defaultWebDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../web-dist/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

/** Builds and starts the server. Listener errors (address in use) reject with a clear message. */
export async function startLocalServer(
  cfg: ServeConfig,
  io: ServerIO,
  o: LocalServerOptions = {},
): Promise<LocalServer> {
  let state: 'starting' | 'ok' | 'draining' = 'starting';
  let metricsPipeline: MetricsPipeline;
  try {
    metricsPipeline = createMetricsPipeline({ metrics: cfg.metrics });
  } catch (err) {
    if (err instanceof MetricsError)
      throw new ConfigError(`invalid ${cfg.labels.metrics}: ${err.message}`, 'metrics');
    throw err;
  }
  let history: StoreHistory;
  try {
    history = await StoreHistory.open({
      ringCapacity: cfg.ringCapacity,
      nodeName: cfg.nodeName,
      dir: cfg.storeDir || undefined,
      clickhouse: cfg.clickhouse,
      retentionMs: cfg.retentionMs,
      retentionBytes: cfg.retentionBytes,
    });
  } catch (err) {
    // (ClickHouse messages name the address without credentials.)
    const where = cfg.clickhouse
      ? ` of ${cfg.labels.storeUrl}`
      : cfg.storeDir
        ? ` in ${cfg.labels.storeDir} ${cfg.storeDir}`
        : '';
    throw new ConfigError(
      `cannot open the flow store${where}: ${(err as Error).message}`,
      cfg.clickhouse ? 'storeUrl' : 'storeDir',
    );
  }
  const rec = history.stats().recovery;
  if (rec && rec.lostAtLeast > 0)
    io.warn(
      `flow store recovered after an unclean stop: at least ${rec.lostAtLeast} unflushed flows were lost`,
    );
  const namespaces = new NamespaceTracker();
  let errorsLogged = 0;
  const pipeline = new Pipeline(
    [
      { name: 'store', process: (b) => history.append(b) },
      namespaces,
      { name: 'metrics', process: (b, source) => metricsPipeline.observe(b, source || undefined) },
    ],
    {
      nodeName: cfg.nodeName,
      maxQueuedEvents: o.maxQueuedEvents,
      onError: (stage, err) => {
        if (errorsLogged++ < 20) io.warn(`pipeline stage ${stage} failed: ${(err as Error).message}`);
      },
      onDrop: (source, n) => metricsPipeline.sources.lost(source || 'pipeline', n),
    },
  );
  const sourceList = [
    ...cfg.sources.map((spec) =>
      createSource(spec, {
        onWarning: io.warn,
        simSpeed: cfg.simSpeed,
        simRate: cfg.simRate,
        simLoop: o.simLoop,
        fileFromEnd: cfg.fileFromEnd,
        peerBackfillMs: cfg.peerBackfillMs,
        peerClient: peerClientOptions(cfg.peer),
      }),
    ),
    ...(o.sources ?? []),
  ];
  const sources = new SourceRunner(sourceList, pipeline, (name, err) =>
    io.warn(`source ${name} failed: ${(err as Error).message}`),
  );
  let grpcServer: GrpcServer | undefined;
  let liveStreams = () => 0;
  const view = new ServerStatusView({
    nodeName: cfg.nodeName,
    authRequired: !!cfg.authToken,
    history,
    pipeline,
    sources,
    gauges: { grpcStreams: () => grpcServer?.streams ?? 0, liveStreams: () => liveStreams() },
  });
  const startedAt = view.startedAt;
  const tls = serverTls(cfg);
  let grpc: AddressInfo | undefined;
  let httpApi: HttpApiServer | undefined;
  let metricsServer: http.Server | undefined;
  const closers: (() => Promise<void>)[] = [];
  try {
    if (cfg.grpcListen) {
      grpcServer = new GrpcServer({
        tls,
        authToken: cfg.authToken,
        publicPaths: ['/grpc.health.v1.Health/Check', '/grpc.health.v1.Health/Watch'],
        maxReceiveBytes: cfg.maxRequestBytes,
        maxStreams: cfg.maxStreams,
        onError: (err, path) => io.warn(`gRPC ${path}: ${(err as Error).message}`),
      });
      const backend = new LocalObserverBackend({
        history,
        namespaces: () => namespaces.list(),
        nodeName: cfg.nodeName,
        version: `flowlens v${VERSION}`,
        address: () => (grpc ? addr(grpc) : ''),
        tls: !!tls,
        startedAt,
        peers: () => view.peers(),
        serving: () => state === 'ok',
      });
      registerObserver(grpcServer, backend, { maxFilters: cfg.maxFilters });
      registerHealth(grpcServer, (svc) =>
        svc === '' || svc === OBSERVER_HEALTH_SERVICE
          ? state === 'ok'
            ? ServingStatus.SERVING
            : ServingStatus.NOT_SERVING
          : undefined,
      );
      grpc = await listen(
        'gRPC',
        `${cfg.labels.grpcListen} ${cfg.grpcListen.host}:${cfg.grpcListen.port}`,
        () => grpcServer!.listen(cfg.grpcListen!.host, cfg.grpcListen!.port),
      );
      closers.push(() => grpcServer!.close(cfg.drainTimeoutMs));
    }
    let httpAddr: AddressInfo | undefined;
    if (cfg.httpListen) {
      httpApi = new HttpApiServer({
        tls,
        authToken: cfg.authToken,
        maxUrlBytes: cfg.maxRequestBytes,
        onError: (err, path) => io.warn(`HTTP ${path}: ${(err as Error).message}`),
      });
      const backend = new LocalHttpBackend({
        history,
        status: () => view.status(),
        nodes: () => view.nodes(),
        lost: () => view.lostTotal(),
        readiness: () => state,
        diagnosis: diagnosisProvider(history),
        aggregate: async (q, coverage) => {
          const r = await history.aggregate({
            groupBy: q.groupBy,
            measure: q.measure,
            step: q.step,
            k: q.k,
            since: q.since,
            until: q.until,
            ...pushdown(q),
          });
          return { ...r, coverage: { ...coverage(), examined: r.coverage.examined } };
        },
        graph: async (q, coverage) => {
          const r = await history.graph({ level: q.level, since: q.since, until: q.until, ...pushdown(q) });
          return { ...r, coverage: { ...coverage(), examined: r.coverage.examined } };
        },
      });
      const routes = registerRoutes(httpApi, backend, {
        maxFilters: cfg.maxFilters,
        maxStreams: cfg.maxStreams,
        webDir: cfg.webDir ?? defaultWebDir(),
        version: VERSION,
        metrics: () => metricsPipeline.render('prometheus') + view.selfMetrics(false),
      });
      liveStreams = routes.liveStreams;
      httpAddr = await listen(
        'HTTP',
        `${cfg.labels.httpListen} ${cfg.httpListen.host}:${cfg.httpListen.port}`,
        () => httpApi!.listen(cfg.httpListen!.host, cfg.httpListen!.port),
      );
      closers.push(() => httpApi!.close(cfg.drainTimeoutMs));
    }
    let metricsAddr: AddressInfo | undefined;
    if (cfg.metricsListen) {
      const m = await listen(
        'metrics',
        `${cfg.labels.metricsListen} ${cfg.metricsListen.host}:${cfg.metricsListen.port}`,
        () =>
          listenMetrics(
            metricsHandler(metricsPipeline, (open) => view.selfMetrics(open), cfg.authToken),
            cfg.metricsListen!.host,
            cfg.metricsListen!.port,
          ),
      );
      metricsServer = m.server;
      metricsAddr = m.address;
      closers.push(
        () =>
          new Promise<void>((r) => (metricsServer!.closeAllConnections(), metricsServer!.close(() => r()))),
      );
    }
    pipeline.start();
    sources.start();
    state = 'ok';
    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        state = 'draining';
        await sources.stop();
        // Let queued events reach the store and the metrics before readers are cut off.
        if (!(await within(pipeline.stop(), cfg.drainTimeoutMs)))
          io.warn('ingest queue did not drain in time');
        await Promise.all(closers.map((c) => c().catch(() => {})));
        await history.close();
      })());
    return {
      grpc,
      http: httpAddr,
      metrics: metricsAddr,
      history,
      pipeline,
      sources,
      metricsPipeline,
      grpcServer,
      stop,
    };
  } catch (err) {
    await Promise.all(closers.map((c) => c().catch(() => {})));
    throw err;
  }
}

async function listen<T>(what: string, label: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'EADDRINUSE'
        ? 'address already in use'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.message;
    throw new ConfigError(`cannot listen for ${what} on ${label}: ${why}`);
  }
}
