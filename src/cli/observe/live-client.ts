/**
 * How the CLI reaches a Hubble server (`observe` in live mode, `status`, `list`): hubble's
 * server flags turned into gRPC client options.
 */
import { readFile } from 'node:fs/promises';
import type { GrpcClientOptions } from '../../server/grpc/index.js';
import { FlowlensCliError } from './errors.js';
import type { LiveTarget } from './request.js';

/** Hubble's TLS and basic-auth flags, as every command that dials a server parses them. */
export interface ServerConnectionFlags {
  tls: boolean;
  tlsAllowInsecure: boolean;
  tlsCaCertFiles: string[];
  tlsClientCertFile: string;
  tlsClientKeyFile: string;
  tlsServerName: string;
  basicAuthUsername: string;
  basicAuthPassword: string;
}

/** Hubble's server flags, as `observe`, `status` and `list` take them. */
export interface ServerFlagValues extends ServerConnectionFlags {
  /** `--server`; undefined when not given (then HUBBLE_SERVER, else `localhost:4245`). */
  server: string | undefined;
  /** `--timeout` in nanoseconds. */
  timeoutNs: bigint;
}

/**
 * The server to ask and how: TLS with `--tls`, a `tls://` address or a client certificate;
 * basic auth when a user name or password is given.
 */
export function liveTarget(
  f: ServerFlagValues,
  env: Readonly<Record<string, string | undefined>>,
  fieldMask: string[] = [],
): LiveTarget {
  const server = f.server ?? env.HUBBLE_SERVER ?? 'localhost:4245';
  const t: LiveTarget = {
    server,
    tls: f.tls || server.startsWith('tls://') || f.tlsClientCertFile !== '',
    tlsAllowInsecure: f.tlsAllowInsecure,
    tlsCaCertFiles: f.tlsCaCertFiles,
    tlsClientCertFile: f.tlsClientCertFile,
    tlsClientKeyFile: f.tlsClientKeyFile,
    tlsServerName: f.tlsServerName,
    timeoutMs: Number(f.timeoutNs / 1_000_000n),
    fieldMask,
  };
  if (f.basicAuthUsername !== '' || f.basicAuthPassword !== '')
    t.basicAuth = { username: f.basicAuthUsername, password: f.basicAuthPassword };
  return t;
}

/** The address to dial (`tls://` only says to use TLS). */
export function liveAddress(t: LiveTarget): string {
  return t.server.replace(/^tls:\/\//, '');
}

/** Client options of a live target (reads the certificate files). */
export async function liveClientOptions(t: LiveTarget): Promise<GrpcClientOptions> {
  const o: GrpcClientOptions = { connectTimeoutMs: t.timeoutMs > 0 ? t.timeoutMs : undefined };
  if (t.basicAuth) {
    // Credentials in clear text never leave without TLS (hubble refuses too).
    if (!t.tls)
      throw new FlowlensCliError(
        'USAGE',
        'basic auth (--basic-auth-username, --basic-auth-password) requires TLS: add --tls or use a tls:// server address',
      );
    const { username, password } = t.basicAuth;
    o.metadata = { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  }
  if (!t.tls) return o;
  const read = async (path: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (e) {
      throw new FlowlensCliError('INPUT', `failed to read ${what} ${path}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  const ca = t.tlsCaCertFiles.length
    ? Buffer.concat(await Promise.all(t.tlsCaCertFiles.map((f) => read(f, 'CA certificate file'))))
    : undefined;
  o.tls = {
    ca,
    cert: t.tlsClientCertFile ? await read(t.tlsClientCertFile, 'client certificate file') : undefined,
    key: t.tlsClientKeyFile ? await read(t.tlsClientKeyFile, 'client key file') : undefined,
    serverName: t.tlsServerName || undefined,
    insecureSkipVerify: t.tlsAllowInsecure,
  };
  return o;
}
