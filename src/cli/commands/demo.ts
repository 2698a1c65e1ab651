/**
 * `flowlens demo` (what `npm start` runs): `serve` with the simulator playing every built-in
 * scenario on a loop, on loopback ports. Prints the UI address, a `hubble` command to try, the
 * /metrics address, and every 15 s a one-line summary of the diagnosis findings.
 */
import type { Command } from 'commander';
import {
  addSettingOptions,
  commonSettings,
  isLoopback,
  serveSettings,
  type ServeConfig,
} from '../../config/index.js';
import type { DiagnosisReport } from '../../diagnose/index.js';
import { diagnoseHistory } from './diagnosis-provider.js';
import { startLocalServer, type LocalServer } from './local-server.js';
import { printBanner, serveConfigFrom, startFailure } from './serve.js';
import { addr, consoleIO, onShutdownSignal, type ServerIO } from './server-lifecycle.js';
import type { CliCommand } from './types.js';

/** One line summarising a report, e.g. "2 critical, 1 warning: DNS failures for shop/checkout". */
export function summarizeFindings(r: DiagnosisReport): string {
  const s = r.summary;
  if (r.findings.length === 0 || s.critical + s.warning === 0)
    return `no problems found (${r.coverage.flows} flows in the last 5 minutes)`;
  const parts = [
    s.critical ? `${s.critical} critical` : '',
    s.warning ? `${s.warning} warning` : '',
    s.info ? `${s.info} info` : '',
  ].filter(Boolean);
  const top = r.findings
    .filter((f) => f.severity !== 'info')
    .slice(0, 3)
    .map((f) => `  - [${f.severity}] ${f.title}`);
  return [`${parts.join(', ')}: ${s.headline}`, ...top].join('\n');
}

/** Prints the findings summary periodically until stopped. */
function startFindingsTicker(server: LocalServer, io: ServerIO, everyMs: number): () => void {
  const ac = new AbortController();
  let last = '';
  const tick = async () => {
    try {
      const report = await diagnoseHistory(server.history, {}, ac.signal, 5 * 60_000);
      const text = summarizeFindings(report);
      if (text !== last) io.log(`findings (last 5 min): ${text}`);
      last = text;
    } catch (err) {
      if (!ac.signal.aborted) io.warn(`diagnosis failed: ${(err as Error).message}`);
    }
  };
  const first = setTimeout(tick, Math.min(everyMs, 10_000));
  const t = setInterval(tick, everyMs);
  return () => {
    ac.abort();
    clearTimeout(first);
    clearInterval(t);
  };
}

/** Runs the demo until a shutdown signal. */
export async function runDemo(cfg: ServeConfig, io: ServerIO): Promise<number> {
  const server = await startLocalServer(cfg, io, { simLoop: true });
  printBanner('demo', server, cfg, io);
  const scheme = cfg.tls ? 'https' : 'http';
  io.log('');
  if (server.http) io.log(`  web UI:   ${scheme}://${addr(server.http)}/`);
  if (server.grpc)
    io.log(
      `  try:      hubble --server ${addr(server.grpc)} observe${cfg.tls ? ' --tls' : ''}   (or: hubble observe --server ${addr(server.grpc)} -f --verdict DROPPED)`,
    );
  if (server.grpc && !cfg.tls)
    io.log(`  or:       flowlens observe --server ${addr(server.grpc)} -f --verdict DROPPED`);
  if (server.metrics) io.log(`  metrics:  http://${addr(server.metrics)}/metrics`);
  if (server.http)
    io.log(`  API:      ${scheme}://${addr(server.http)}/api/v1/status (OpenAPI at /api/v1/openapi.json)`);
  io.log(
    `  playing:  ${server.sources
      .statuses()
      .map((s) => s.name)
      .join(' ')} at ${cfg.simSpeed}x, looping`,
  );
  io.log('  press Ctrl-C to stop\n');
  const stopTicker = startFindingsTicker(server, io, 15_000);
  const sig = onShutdownSignal(async () => {
    stopTicker();
    await server.stop();
  }, io);
  await sig.done;
  sig.dispose();
  return 0;
}

/** The `demo` command. */
export const demoCommand: CliCommand = {
  name: 'demo',
  register(program: Command): void {
    const cmd = program
      .command('demo')
      .description(
        'run serve with the simulator playing every built-in scenario on a loop, on loopback ports',
      )
      .option('--config <FILE>', 'YAML or JSON config file [env FLOWLENS_CONFIG]');
    addSettingOptions(
      cmd,
      [...commonSettings, ...serveSettings].filter((s) => s.key !== 'source'),
    );
    cmd.addOption(
      cmd
        .createOption('--scenario <NAME>', 'play only these scenarios (repeatable; default: all built-ins)')
        .argParser((v: string, p: string[] | undefined) => [...(p ?? []), v]),
    );
    cmd.action(async (_opts: unknown, command: Command) => {
      let cfg: ServeConfig;
      try {
        const scenarios = (command.opts() as { scenario?: string[] }).scenario;
        cfg = serveConfigFrom(command, {
          source: [scenarios?.length ? `simulator:${scenarios.join(',')}` : 'simulator'],
        });
        for (const a of [cfg.grpcListen, cfg.httpListen, cfg.metricsListen]) {
          if (a && !isLoopback(a.host) && !cfg.authToken)
            throw new Error('the demo listens on loopback only unless --auth-token is set');
        }
      } catch (err) {
        process.exitCode = startFailure('demo', err);
        return;
      }
      try {
        process.exitCode = await runDemo(cfg, consoleIO(cfg.quiet));
      } catch (err) {
        process.exitCode = startFailure('demo', err);
      }
    });
  },
};
