/**
 * `flowlens serve`: ingest flows from sources, keep history, and serve the Hubble Observer gRPC
 * API, the HTTP API and web UI, and Prometheus metrics, until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  addSettingOptions,
  commonSettings,
  ConfigError,
  loadServeConfig,
  serveSettings,
  type ServeConfig,
} from '../../config/index.js';
import { sourceSchemes } from '../../sources/index.js';
import { VERSION } from '../version.js';
import { startLocalServer, type LocalServer, type LocalServerOptions } from './local-server.js';
import { addr, consoleIO, describeListener, onShutdownSignal, type ServerIO } from './server-lifecycle.js';
import type { CliCommand } from './types.js';

/** Prints where everything listens and how it is protected. */
export function printBanner(
  what: string,
  s: Pick<LocalServer, 'grpc' | 'http' | 'metrics'>,
  cfg: ServeConfig | (ServeConfig & object),
  io: ServerIO,
): void {
  io.log(`flowlens ${what} v${VERSION} on node ${cfg.nodeName}`);
  if (s.grpc) io.log('  ' + describeListener('gRPC', s.grpc, cfg, true));
  if (s.http) io.log('  ' + describeListener('HTTP', s.http, cfg, true));
  if (s.metrics)
    io.log('  ' + describeListener('metrics', { ...s.metrics }, { ...cfg, tls: undefined }, false));
  if (cfg.clickhouse) io.log(`  flow store: ClickHouse at ${cfg.clickhouse.describe}`);
  const exposed = [s.grpc, s.http, s.metrics].some((a) => a && !/^(127\.|::1$|localhost)/.test(a.address));
  if (exposed)
    io.log(
      `  listening beyond loopback: ${cfg.authToken ? 'a bearer token is required' : ''}${cfg.authToken && cfg.tls?.clientCaFile ? ' and ' : ''}${cfg.tls?.clientCaFile ? 'client certificates are verified (mTLS)' : ''}`,
    );
}

/** Runs serve with a loaded config until a shutdown signal; resolves to the exit code. */
export async function runServe(cfg: ServeConfig, io: ServerIO, o: LocalServerOptions = {}): Promise<number> {
  if (cfg.sources.length === 0 && !o.sources?.length)
    io.warn(`no --source given: serving stored history only (sources: ${sourceSchemes().join(', ')})`);
  const server = await startLocalServer(cfg, io, o);
  printBanner('serve', server, cfg, io);
  if (server.grpc) io.log(`  try: hubble --server ${addr(server.grpc)} observe`);
  const sig = onShutdownSignal(() => server.stop(), io);
  await sig.done;
  sig.dispose();
  io.log('stopped');
  return 0;
}

/** Reads the config from the command's options, the environment and the config file. */
export function serveConfigFrom(
  command: Command,
  overrides: Partial<Record<string, unknown>> = {},
): ServeConfig {
  const flags = command.opts() as Record<string, unknown>;
  const configFile = (flags.config as string | undefined) ?? process.env.FLOWLENS_CONFIG;
  return loadServeConfig({ flags, env: process.env, configFile }, (p) => readFileSync(p, 'utf8'), overrides);
}

/** Reports a start-up failure the way every server command does; returns the exit code. */
export function startFailure(cmd: string, err: unknown): number {
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`flowlens ${cmd}: ${msg}\n`);
  if (!(err instanceof ConfigError) && err instanceof Error && process.env.FLOWLENS_DEBUG)
    process.stderr.write(`${err.stack}\n`);
  return 1;
}

/** The `serve` command. */
export const serveCommand: CliCommand = {
  name: 'serve',
  register(program: Command): void {
    const cmd = program
      .command('serve')
      .description(
        'ingest flows and serve the Hubble Observer gRPC API, the HTTP API and web UI, and /metrics',
      )
      .option(
        '--config <FILE>',
        'YAML or JSON config file (settings by their camelCase names) [env FLOWLENS_CONFIG]',
      );
    addSettingOptions(cmd, [...commonSettings, ...serveSettings]);
    cmd.addHelpText(
      'after',
      `
Settings are taken from flags, then FLOWLENS_* environment variables, then the config file.
Listening beyond 127.0.0.1 requires --auth-token (or --auth-token-file) or mTLS.

Examples:
  flowlens serve --source simulator
  flowlens serve --source file:/var/run/cilium/hubble/events.log --store-dir /var/lib/flowlens
  flowlens serve --source hubble:127.0.0.1:4244 --node-name $(hostname)
  FLOWLENS_STORE_PASSWORD=... flowlens serve --source simulator --store-url clickhouse://127.0.0.1:8123/flowlens --store-user flowlens
  kubectl -n kube-system exec ds/cilium -- hubble observe -f -o json | flowlens serve --source stdin`,
    );
    cmd.action(async (_opts: unknown, command: Command) => {
      let cfg: ServeConfig;
      try {
        cfg = serveConfigFrom(command);
      } catch (err) {
        process.exitCode = startFailure('serve', err);
        return;
      }
      try {
        process.exitCode = await runServe(cfg, consoleIO(cfg.quiet));
      } catch (err) {
        process.exitCode = startFailure('serve', err);
      }
    });
  },
};
