/**
 * Shared plumbing of the long-running commands (serve, relay, demo): reading TLS files,
 * describing listeners and their security at start, and graceful shutdown on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { isLoopback, type CommonConfig, type PeerConfig } from '../../config/index.js';
import type { GrpcClientOptions } from '../../server/grpc/index.js';

/** Where a command writes its messages. */
export interface ServerIO {
  log(msg: string): void;
  warn(msg: string): void;
}

/** The default IO: stdout for info (unless quiet), stderr for warnings. */
export function consoleIO(quiet: boolean): ServerIO {
  return {
    log: (m) => {
      if (!quiet) process.stdout.write(m + '\n');
    },
    warn: (m) => process.stderr.write(`flowlens: ${m}\n`),
  };
}

/** Server TLS material read from the configured files. */
export function serverTls(cfg: CommonConfig): { cert: Buffer; key: Buffer; clientCa?: Buffer } | undefined {
  if (!cfg.tls) return undefined;
  return {
    cert: readFileSync(cfg.tls.certFile),
    key: readFileSync(cfg.tls.keyFile),
    clientCa: cfg.tls.clientCaFile ? readFileSync(cfg.tls.clientCaFile) : undefined,
  };
}

/** gRPC client options for peers from the peer settings. */
export function peerClientOptions(p: PeerConfig): GrpcClientOptions {
  return {
    authToken: p.token,
    tls: p.tls
      ? {
          ca: p.tls.caFile ? readFileSync(p.tls.caFile) : undefined,
          cert: p.tls.certFile ? readFileSync(p.tls.certFile) : undefined,
          key: p.tls.keyFile ? readFileSync(p.tls.keyFile) : undefined,
          serverName: p.tls.serverName,
        }
      : undefined,
  };
}

/** host:port of a bound address (IPv6 in brackets). */
export function addr(a: AddressInfo): string {
  return a.family === 'IPv6' || a.address.includes(':')
    ? `[${a.address}]:${a.port}`
    : `${a.address}:${a.port}`;
}

/** One line describing a listener and how it is protected. */
export function describeListener(
  what: string,
  a: AddressInfo,
  cfg: CommonConfig,
  tlsCapable: boolean,
): string {
  const tls = tlsCapable && cfg.tls ? (cfg.tls.clientCaFile ? 'mTLS' : 'TLS') : 'plaintext';
  const auth = cfg.authToken ? 'bearer token required' : 'no auth';
  const scope = isLoopback(a.address) ? 'loopback only' : 'REACHABLE BEYOND THIS MACHINE';
  return `${what.padEnd(8)} ${addr(a)} (${tls}, ${auth}, ${scope})`;
}

/**
 * Runs `stop` on the first SIGINT/SIGTERM (a second signal exits at once) and resolves when it
 * finished. Returns a function that removes the handlers.
 */
export function onShutdownSignal(
  stop: (signal: string) => Promise<void>,
  io: ServerIO,
): { done: Promise<string>; dispose: () => void } {
  let resolveDone!: (s: string) => void;
  const done = new Promise<string>((r) => (resolveDone = r));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.warn(`second ${signal}: exiting now`);
      process.exit(130);
    }
    stopping = true;
    io.log(`${signal}: draining and shutting down`);
    stop(signal).then(
      () => resolveDone(signal),
      (err) => {
        io.warn(`error during shutdown: ${(err as Error).message}`);
        resolveDone(signal);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    done,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Waits for a promise or a timeout, whichever comes first; true when the promise won. */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((r) => (t = setTimeout(() => r(false), ms)));
  const r = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(t);
  return r;
}
