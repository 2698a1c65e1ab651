/**
 * `flowlens status` and `flowlens list nodes|namespaces`: hubble's commands of the same names,
 * against any Observer API (`flowlens serve`, `flowlens relay`, a Hubble agent or Hubble Relay),
 * with hubble's server flags. Their output is held to the bytes of the real hubble CLI v0.12.3
 * (the project's normative version; layouts and the rules behind them in status-format.ts), read
 * from the responses exactly as they come off the wire.
 */
import type { Command } from 'commander';
import {
  liveAddress,
  liveClientOptions,
  liveTarget,
  type ServerConnectionFlags,
} from '../observe/live-client.js';
import { parseGoDuration } from '../observe/go-duration.js';
import type { LiveTarget } from '../observe/request.js';
import {
  healthcheckLine,
  LIST_FORMATS,
  renderNamespaces,
  renderNodes,
  renderStatus,
  STATUS_FORMATS,
  type ListFormat,
  type NamespaceResponse,
  type NodeResponse,
  type StatusResponse,
} from './status-format.js';
import type { CliCommand } from './types.js';

/** The process around the commands (injectable for tests). */
export interface StatusIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
}

interface ServerFlags extends Partial<ServerConnectionFlags> {
  server?: string;
  timeout: string;
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

type Client = import('../../server/grpc/index.js').ObserverClient;

/** An error's text as the commands report it (gRPC errors with their code name). */
async function reason(e: unknown): Promise<string> {
  const { GrpcError } = await import('../../server/grpc/index.js');
  return e instanceof GrpcError ? `${e.codeName}: ${e.message}` : (e as Error).message;
}

async function withClient<T>(t: LiveTarget, call: (c: Client, timeoutMs: number) => Promise<T>): Promise<T> {
  const { ObserverClient } = await import('../../server/grpc/index.js');
  const client = new ObserverClient(liveAddress(t), await liveClientOptions(t));
  try {
    return await call(client, Math.max(t.timeoutMs, 1000) * 2);
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw new StatusError(`failed to connect to '${t.server}': ${await reason(e)}`);
  } finally {
    client.close();
  }
}

/**
 * One unary Observer call, its response decoded as it came off the wire (proto names, uint64
 * values as exact decimal strings), which is what the layouts in status-format.ts take.
 */
async function observerCall<T>(
  c: Client,
  method: 'ServerStatus' | 'GetNodes' | 'GetNamespaces',
  timeoutMs: number,
): Promise<T> {
  const [{ decodeMessage }, pb] = await Promise.all([
    import('../../server/grpc/wire/index.js'),
    import('../../gen/observer/observer_pb.js'),
  ]);
  const schema = {
    ServerStatus: pb.ServerStatusResponseSchema,
    GetNodes: pb.GetNodesResponseSchema,
    GetNamespaces: pb.GetNamespacesResponseSchema,
  }[method];
  const bytes = await c.grpc.unary(`/observer.Observer/${method}`, new Uint8Array(0), { timeoutMs });
  return decodeMessage<T>(schema, bytes);
}

/** Runs a command body: what it returns goes to stdout; an error is one line on stderr, exit 1. */
async function run(io: StatusIO, body: () => Promise<string>): Promise<number> {
  try {
    io.stdout.write(await body());
    return 0;
  } catch (e) {
    io.stderr.write(`${(e as Error).message.split('\n')[0]}\n`);
    return 1;
  }
}

/** `flowlens status`: hubble status (`-o compact|dict|json|jsonpb|table`). */
export async function runStatus(f: ServerFlags, io: StatusIO): Promise<number> {
  return run(io, async () => {
    if (!Object.prototype.hasOwnProperty.call(STATUS_FORMATS, f.output))
      throw new StatusError(`invalid output format: ${f.output}`);
    const format = STATUS_FORMATS[f.output];
    const t = targetOf(f, io.env);
    return withClient(t, async (c, timeoutMs) => {
      const { ServingStatus } = await import('../../server/grpc/index.js');
      const health = await c.health({ timeoutMs });
      // As hubble: the health check line comes first and at once, in compact output only; an
      // unhealthy server ends the command there.
      if (format === 'compact') io.stdout.write(healthcheckLine(t.server, health));
      if (health !== ServingStatus.SERVING) throw new StatusError('not healthy');
      let ss: StatusResponse;
      try {
        ss = await observerCall<StatusResponse>(c, 'ServerStatus', timeoutMs);
      } catch (e) {
        throw new StatusError(`failed to get hubble server status: ${await reason(e)}`);
      }
      return renderStatus(ss, format);
    });
  });
}

/** `flowlens list nodes` / `flowlens list namespaces`: hubble list (`-o table|wide|json`). */
export async function runList(what: 'nodes' | 'namespaces', f: ServerFlags, io: StatusIO): Promise<number> {
  return run(io, async () => {
    if (!(LIST_FORMATS as readonly string[]).includes(f.output))
      throw new StatusError(`unknown output format: ${f.output}`);
    const output = f.output as ListFormat;
    return withClient(targetOf(f, io.env), async (c, timeoutMs) => {
      if (what === 'nodes') {
        const m = await observerCall<{ nodes?: NodeResponse[] }>(c, 'GetNodes', timeoutMs);
        return renderNodes(m.nodes ?? [], output);
      }
      const m = await observerCall<{ namespaces?: NamespaceResponse[] }>(c, 'GetNamespaces', timeoutMs);
      return renderNamespaces(m.namespaces ?? [], output);
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
          .option('-o, --output <format>', 'compact, dict, json (jsonpb) or table', 'compact'),
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
