/**
 * `flowlens status` and `flowlens list nodes|namespaces`: hubble's commands of the same names,
 * against any Observer API (`flowlens serve`, `flowlens relay`, a Hubble agent or Hubble Relay),
 * with hubble's server flags. The compact and table layouts follow hubble's
 * (../shared/specs/hubble-cli-observe.md, appendix); they are not checked byte for byte against
 * the real CLI, whose own `hubble status` and `hubble list` work against flowlens too.
 */
import type { Command } from 'commander';
import { liveAddress, liveClientOptions, liveTarget } from '../observe/live-client.js';
import { parseGoDuration } from '../observe/go-duration.js';
import type { LiveTarget } from '../observe/request.js';
import type { ObserverNode, ServerStatusInfo } from '../../server/grpc/index.js';
import type { CliCommand } from './types.js';

/** The process around the commands (injectable for tests). */
export interface StatusIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
}

interface ServerFlags {
  server?: string;
  timeout: string;
  tls?: boolean;
  tlsAllowInsecure?: boolean;
  tlsCaCertFiles?: string[];
  tlsClientCertFile?: string;
  tlsClientKeyFile?: string;
  tlsServerName?: string;
  basicAuthUsername?: string;
  basicAuthPassword?: string;
  output: string;
}

/** hubble's server flags. */
function addServerFlags(cmd: Command): Command {
  return cmd
    .option('--server <address>', 'Address of a Hubble server (default: $HUBBLE_SERVER or localhost:4245)')
    .option('--timeout <duration>', 'Hubble server dialing timeout', '5s')
    .option('--tls', 'use TLS (implied by a tls:// address or a client certificate)')
    .option(
      '--tls-allow-insecure',
      "skip verifying the server's certificate chain and host name (not recommended)",
    )
    .option(
      '--tls-ca-cert-files <file>',
      'PEM CA certificates to verify the server with; repeatable',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--tls-client-cert-file <file>', 'PEM client certificate (implies TLS)')
    .option('--tls-client-key-file <file>', 'PEM client key')
    .option('--tls-server-name <name>', 'server name to verify the certificate against')
    .option('--basic-auth-username <name>', 'basic auth user (TLS only)')
    .option(
      '--basic-auth-password <password>',
      'basic auth password (TLS only; flowlens serve takes its --auth-token)',
    );
}

/** Thrown for what the user must fix; printed as one line, exit status 1. */
class StatusError extends Error {}

function targetOf(f: ServerFlags, env: StatusIO['env']): LiveTarget {
  let timeoutNs: bigint;
  try {
    timeoutNs = parseGoDuration(f.timeout);
  } catch (e) {
    throw new StatusError(`invalid --timeout: ${(e as Error).message}`);
  }
  return liveTarget(
    {
      server: f.server,
      tls: !!f.tls,
      tlsAllowInsecure: !!f.tlsAllowInsecure,
      tlsCaCertFiles: f.tlsCaCertFiles ?? [],
      tlsClientCertFile: f.tlsClientCertFile ?? '',
      tlsClientKeyFile: f.tlsClientKeyFile ?? '',
      tlsServerName: f.tlsServerName ?? '',
      timeoutNs,
      basicAuthUsername: f.basicAuthUsername ?? '',
      basicAuthPassword: f.basicAuthPassword ?? '',
    },
    env,
  );
}

/** `1,234,567`. */
const comma = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Go's time.Duration text of whole seconds (`1h2m3s`, `45s`, `0s`). */
export function goSeconds(totalSeconds: number): string {
  let s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** Flows per second over the uptime (`N/A` without one). */
function perSecond(seen: number | undefined, uptimeNs: number | undefined): string {
  const up = (uptimeNs ?? 0) / 1e9;
  return up > 0 ? ((seen ?? 0) / up).toFixed(2) : 'N/A';
}

/** hubble status' compact text. */
export function renderStatus(server: string, ss: ServerStatusInfo): string {
  let out = `Healthcheck (via ${server}): Ok\n`;
  const ratio = ss.maxFlows > 0 ? ` (${((ss.numFlows / ss.maxFlows) * 100).toFixed(2)}%)` : '';
  out += `Current/Max Flows: ${comma(ss.numFlows)}/${comma(ss.maxFlows)}${ratio}\n`;
  out += `Flows/s: ${ss.flowsRate > 0 ? ss.flowsRate.toFixed(2) : perSecond(ss.seenFlows, ss.uptimeNs)}\n`;
  if (ss.numConnectedNodes !== undefined) {
    const unavailable = ss.numUnavailableNodes ?? 0;
    out += `Connected Nodes: ${ss.numConnectedNodes}/${ss.numConnectedNodes + unavailable}\n`;
    if (unavailable > 0) {
      out += `Unavailable Nodes: ${unavailable}\n`;
      for (const n of ss.unavailableNodes ?? []) out += `  - ${n}\n`;
    }
  }
  return out;
}

/** Columns padded to their widest cell plus 3 spaces (Go's tabwriter as hubble sets it). */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 3)))
        .join('')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

const STATES: Record<ObserverNode['state'], string> = {
  NODE_CONNECTED: 'Connected',
  NODE_UNAVAILABLE: 'Unavailable',
  NODE_GONE: 'Gone',
  NODE_ERROR: 'Error',
  UNKNOWN_NODE_STATE: 'Unknown',
};

/** hubble list nodes' table (`wide` adds version, address and TLS). */
export function renderNodes(nodes: readonly ObserverNode[], wide: boolean): string {
  const head = ['NAME', 'STATUS', 'AGE', 'FLOWS/S', 'CURRENT/MAX-FLOWS'];
  if (wide) head.push('VERSION', 'ADDRESS', 'TLS');
  const rows = [head];
  for (const n of [...nodes].sort((a, b) => a.name.localeCompare(b.name))) {
    const up = (n.uptimeNs ?? 0) / 1e9;
    const max = n.maxFlows ?? 0;
    const cur = n.numFlows ?? 0;
    const ratio = max > 0 ? ` (${((cur / max) * 100).toFixed(2).padStart(6)}%)` : '';
    const row = [
      n.name,
      STATES[n.state] ?? 'Unknown',
      up > 0 ? goSeconds(up) : 'N/A',
      perSecond(n.seenFlows, n.uptimeNs),
      `${comma(cur)}/${comma(max)}${ratio}`,
    ];
    if (wide) row.push(n.version ?? '', n.address ?? '', n.tls?.enabled ? 'Enabled' : 'Disabled');
    rows.push(row);
  }
  return table(rows);
}

async function withClient<T>(
  t: LiveTarget,
  call: (c: import('../../server/grpc/index.js').ObserverClient, timeoutMs: number) => Promise<T>,
): Promise<T> {
  const { GrpcError, ObserverClient } = await import('../../server/grpc/index.js');
  const client = new ObserverClient(liveAddress(t), await liveClientOptions(t));
  try {
    return await call(client, Math.max(t.timeoutMs, 1000) * 2);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    const why = e instanceof GrpcError ? `${e.codeName}: ${e.message}` : (e as Error).message;
    throw new StatusError(`failed to connect to '${t.server}': ${why}`);
  } finally {
    client.close();
  }
}

async function run(io: StatusIO, body: () => Promise<string>): Promise<number> {
  try {
    io.stdout.write(await body());
    return 0;
  } catch (e) {
    io.stderr.write(`${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}

function checkOutput(output: string, allowed: string[]): void {
  if (!allowed.includes(output))
    throw new StatusError(`invalid output format: ${output} (expected ${allowed.join(', ')})`);
}

/** `flowlens status`. */
export async function runStatus(f: ServerFlags, io: StatusIO): Promise<number> {
  return run(io, async () => {
    checkOutput(f.output, ['compact', 'json']);
    const t = targetOf(f, io.env);
    return withClient(t, async (c, timeoutMs) => {
      const { ServingStatus } = await import('../../server/grpc/index.js');
      const health = await c.health({ timeoutMs });
      if (health !== ServingStatus.SERVING)
        throw new StatusError(`Healthcheck (via ${t.server}): not serving (status ${health})`);
      const ss = await c.serverStatus({ timeoutMs });
      return f.output === 'json' ? JSON.stringify(ss, null, 2) + '\n' : renderStatus(t.server, ss);
    });
  });
}

/** `flowlens list nodes` / `flowlens list namespaces`. */
export async function runList(what: 'nodes' | 'namespaces', f: ServerFlags, io: StatusIO): Promise<number> {
  return run(io, async () => {
    checkOutput(f.output, ['table', 'wide', 'json']);
    return withClient(targetOf(f, io.env), async (c, timeoutMs) => {
      if (what === 'nodes') {
        const nodes = await c.getNodes({ timeoutMs });
        return f.output === 'json'
          ? JSON.stringify(nodes, null, 2) + '\n'
          : renderNodes(nodes, f.output === 'wide');
      }
      const ns = [...(await c.getNamespaces({ timeoutMs }))].sort(
        (a, b) => (a.cluster ?? '').localeCompare(b.cluster ?? '') || a.namespace.localeCompare(b.namespace),
      );
      if (f.output === 'json') return JSON.stringify(ns, null, 2) + '\n';
      const wide = f.output === 'wide';
      return table([
        wide ? ['CLUSTER', 'NAMESPACE'] : ['NAMESPACE'],
        ...ns.map((n) => (wide ? [n.cluster ?? '', n.namespace] : [n.namespace])),
      ]);
    });
  });
}

const processIO = (): StatusIO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Registers `status`; `io` is injectable for tests. */
export function createStatusCommand(io: () => StatusIO = processIO): CliCommand {
  return {
    name: 'status',
    register(program: Command): void {
      addServerFlags(
        program
          .command('status')
          .description("a Hubble server's health and flow counts (hubble status)")
          .option('-o, --output <format>', 'compact or json', 'compact'),
      ).action(async (f: ServerFlags) => {
        process.exitCode = await runStatus(f, io());
      });
    },
  };
}

/** Registers `list nodes|namespaces`; `io` is injectable for tests. */
export function createListCommand(io: () => StatusIO = processIO): CliCommand {
  return {
    name: 'list',
    register(program: Command): void {
      const list = program.command('list').description("a Hubble server's nodes or namespaces (hubble list)");
      for (const what of ['nodes', 'namespaces'] as const)
        addServerFlags(
          list
            .command(what)
            .description(`the ${what} a Hubble server knows`)
            .option('-o, --output <format>', 'table, wide or json', 'table'),
        ).action(async (f: ServerFlags) => {
          process.exitCode = await runList(what, f, io());
        });
    },
  };
}

export const statusCommand: CliCommand = createStatusCommand();
export const listCommand: CliCommand = createListCommand();
