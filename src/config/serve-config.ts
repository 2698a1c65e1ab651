/**
 * Configuration of `flowlens serve`, `relay` and `demo`: the typed config and its validation
 * (including the cross-field rules, such as "listening beyond loopback needs a token or
 * mTLS"). The setting tables are in serve-settings.ts. The composition roots load it once and
 * pass it down.
 */
import { hostname } from 'node:os';
import { isLoopback, ConfigError, type ListenAddress } from './settings.js';
import { loadSettings, type ConfigInputs, type LoadedSettings } from './load.js';
import { commonSettings, relaySettings, serveSettings } from './serve-settings.js';
import { describeAddress, describeRaw, parseClickHouseUrl } from '../store/clickhouse/url.js';

export { commonSettings, relaySettings, serveSettings };

/** The typed config of the listeners and security, shared by all three commands. */
export interface CommonConfig {
  grpcListen?: ListenAddress;
  httpListen?: ListenAddress;
  metricsListen?: ListenAddress;
  nodeName: string;
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  authToken?: string;
  maxStreams: number;
  maxFilters: number;
  maxRequestBytes: number;
  webDir?: string;
  drainTimeoutMs: number;
  quiet: boolean;
  /** Human names of the settings as they were set, for messages. */
  labels: Record<string, string>;
}

/** Peer connection settings (relay and hubble sources). */
export interface PeerConfig {
  tls?: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string };
  token?: string;
}

/** Validated serve/demo config. */
export type ServeConfig = CommonConfig & {
  sources: string[];
  ringCapacity: number;
  storeDir: string;
  /** The persistent store on a ClickHouse server (--store-url), instead of storeDir. */
  clickhouse?: ClickHouseStoreConfig;
  retentionMs: number;
  retentionBytes: number;
  metrics?: string[];
  simSpeed: number;
  simRate?: number;
  fileFromEnd: boolean;
  peerBackfillMs: number;
  peer: PeerConfig;
  readonly __brand: 'ValidatedServeConfig';
};

/** Where the ClickHouse store is and how to log in (the password is never printed). */
export interface ClickHouseStoreConfig {
  url: string;
  username?: string;
  password?: string;
  /** The address without credentials, for messages: http://host:port/database. */
  describe: string;
}

/** Validated relay config. */
export type RelayConfig = CommonConfig & {
  peers: string[];
  sortBufferMax: number;
  sortDrainMs: number;
  errorAggregationMs: number;
  retryTimeoutMs: number;
  peer: PeerConfig;
  readonly __brand: 'ValidatedRelayConfig';
};

function common(l: LoadedSettings, readFile: (p: string) => string): CommonConfig {
  const v = l.values;
  const lb = l.labels;
  const cert = v.tlsCert as string | undefined;
  const key = v.tlsKey as string | undefined;
  const ca = v.tlsClientCa as string | undefined;
  if (!!cert !== !!key)
    throw new ConfigError(
      `${cert ? lb.tlsKey : lb.tlsCert} is required with ${cert ? lb.tlsCert : lb.tlsKey}`,
      cert ? 'tlsKey' : 'tlsCert',
    );
  if (ca && !cert)
    throw new ConfigError(`${lb.tlsClientCa} (mTLS) needs ${lb.tlsCert} and ${lb.tlsKey}`, 'tlsClientCa');
  let token = v.authToken as string | undefined;
  if (v.authTokenFile) {
    if (token)
      throw new ConfigError(`${lb.authToken} and ${lb.authTokenFile} cannot be combined`, 'authTokenFile');
    try {
      token = readFile(v.authTokenFile as string).trim();
    } catch (err) {
      throw new ConfigError(
        `cannot read ${lb.authTokenFile} ${v.authTokenFile}: ${(err as Error).message}`,
        'authTokenFile',
      );
    }
  }
  if (token !== undefined && token.length < 16)
    throw new ConfigError(
      `${v.authTokenFile ? lb.authTokenFile : lb.authToken} must be at least 16 characters`,
      'authToken',
    );
  const cfg: CommonConfig = {
    grpcListen: v.grpcListen as ListenAddress | undefined,
    httpListen: v.httpListen as ListenAddress | undefined,
    metricsListen: v.metricsListen as ListenAddress | undefined,
    nodeName: (v.nodeName as string | undefined) || hostname(),
    tls: cert && key ? { certFile: cert, keyFile: key, clientCaFile: ca } : undefined,
    authToken: token || undefined,
    maxStreams: v.maxStreams as number,
    maxFilters: v.maxFilters as number,
    maxRequestBytes: v.maxRequestBytes as number,
    webDir: v.webDir as string | undefined,
    drainTimeoutMs: v.drainTimeout as number,
    quiet: v.quiet as boolean,
    labels: lb,
  };
  // Exposure rule: anything beyond loopback needs a bearer token or mTLS.
  const secured = !!cfg.authToken || !!cfg.tls?.clientCaFile;
  for (const k of ['grpcListen', 'httpListen'] as const) {
    const a = cfg[k];
    if (a && !isLoopback(a.host) && !secured) {
      throw new ConfigError(
        `${lb[k]} ${a.host}:${a.port} is reachable beyond this machine: set --auth-token (or --auth-token-file) or mTLS (--tls-cert, --tls-key, --tls-client-ca), or listen on 127.0.0.1`,
        k,
      );
    }
  }
  const m = cfg.metricsListen;
  if (m && !isLoopback(m.host) && !cfg.authToken) {
    throw new ConfigError(
      `${lb.metricsListen} ${m.host}:${m.port} is reachable beyond this machine: set --auth-token (Prometheus then scrapes with a bearer token), or listen on 127.0.0.1`,
      'metricsListen',
    );
  }
  return cfg;
}

function peerConfig(v: Record<string, unknown>): PeerConfig {
  const tls = v.peerTls || v.peerCa || v.peerCert;
  return {
    tls: tls
      ? {
          caFile: v.peerCa as string | undefined,
          certFile: v.peerCert as string | undefined,
          keyFile: v.peerKey as string | undefined,
          serverName: v.peerServerName as string | undefined,
        }
      : undefined,
    token: v.peerToken as string | undefined,
  };
}

/** Loads and validates the serve (or demo) config. */
export function loadServeConfig(
  input: ConfigInputs,
  readFile: (p: string) => string,
  overrides: Partial<Record<string, unknown>> = {},
): ServeConfig {
  const l = loadSettings([...commonSettings, ...serveSettings], input);
  Object.assign(l.values, overrides);
  const v = l.values;
  const sources = v.source as string[];
  for (const s of sources) {
    if (!/^(simulator(:.+)?|file:.+|stdin|-|hubble:.+)$/.test(s)) {
      throw new ConfigError(
        `invalid ${l.labels.source} ${JSON.stringify(s)}: want simulator[:SCENARIO], file:PATH, stdin or hubble:HOST:PORT`,
        'source',
      );
    }
  }
  if (v.peerCert && !v.peerKey)
    throw new ConfigError(`${l.labels.peerKey} is required with ${l.labels.peerCert}`, 'peerKey');
  return {
    ...common(l, readFile),
    sources,
    ringCapacity: v.ringCapacity as number,
    storeDir: v.storeDir as string,
    clickhouse: clickhouseConfig(l, readFile),
    retentionMs: v.retention as number,
    retentionBytes: v.retentionSize as number,
    metrics: v.metrics as string[] | undefined,
    simSpeed: v.simSpeed as number,
    simRate: v.simRate as number | undefined,
    fileFromEnd: v.fileFromEnd as boolean,
    peerBackfillMs: v.peerBackfill as number,
    peer: peerConfig(v),
  } as ServeConfig;
}

/** Loads and validates the relay config. */
export function loadRelayConfig(input: ConfigInputs, readFile: (p: string) => string): RelayConfig {
  const l = loadSettings([...commonSettings, ...relaySettings], input);
  const v = l.values;
  const peers = v.peer as string[];
  if (peers.length === 0)
    throw new ConfigError(
      `${l.labels.peer === '--peer' ? '--peer' : l.labels.peer}: at least one peer (HOST:PORT) is required`,
      'peer',
    );
  for (const p of peers) {
    const addr = p.replace(/^[\w.-]+=(?!\/)/, '');
    if (!/^((\[[^\]]+\]|[^:\s/=]+):\d{1,5}|unix:\/\/\/\S+|dns:(\/\/\/)?[^:/\s]+:\d{1,5})$/.test(addr)) {
      throw new ConfigError(
        `invalid ${l.labels.peer} ${JSON.stringify(p)}: want [NAME=]HOST:PORT, unix:///PATH or dns:///NAME:PORT`,
        'peer',
      );
    }
  }
  if (new Set(peers).size !== peers.length)
    throw new ConfigError(`${l.labels.peer} lists a peer twice`, 'peer');
  if (v.peerCert && !v.peerKey)
    throw new ConfigError(`${l.labels.peerKey} is required with ${l.labels.peerCert}`, 'peerKey');
  return {
    ...common(l, readFile),
    peers,
    sortBufferMax: v.sortBufferMax as number,
    sortDrainMs: v.sortDrainTimeout as number,
    errorAggregationMs: v.errorAggregationWindow as number,
    retryTimeoutMs: v.retryTimeout as number,
    peer: peerConfig(v),
  } as RelayConfig;
}

/** Validates --store-url and its credentials (messages name the setting, never the password). */
function clickhouseConfig(
  l: LoadedSettings,
  readFile: (p: string) => string,
): ClickHouseStoreConfig | undefined {
  const v = l.values;
  const lb = l.labels;
  const raw = (v.storeUrl as string | undefined)?.trim();
  const auth = ['storeUser', 'storePassword', 'storePasswordFile'].find((k) => v[k] !== undefined);
  if (!raw) {
    if (auth) throw new ConfigError(`${lb[auth]} needs ${lb.storeUrl}`, auth);
    return undefined;
  }
  if (v.storeDir)
    throw new ConfigError(
      `${lb.storeDir} and ${lb.storeUrl} cannot be combined: the flow store is either a local directory or a ClickHouse server`,
      'storeUrl',
    );
  let addr;
  try {
    addr = parseClickHouseUrl(raw);
  } catch (err) {
    throw new ConfigError(
      `invalid ${lb.storeUrl} ${describeRaw(raw)}: ${(err as Error).message}`,
      'storeUrl',
    );
  }
  let password = v.storePassword as string | undefined;
  if (v.storePasswordFile !== undefined) {
    if (password !== undefined)
      throw new ConfigError(
        `${lb.storePassword} and ${lb.storePasswordFile} cannot be combined`,
        'storePasswordFile',
      );
    try {
      password = readFile(v.storePasswordFile as string).replace(/\r?\n$/, '');
    } catch (err) {
      throw new ConfigError(
        `cannot read ${lb.storePasswordFile} ${String(v.storePasswordFile)}: ${(err as Error).message}`,
        'storePasswordFile',
      );
    }
  }
  const username = v.storeUser as string | undefined;
  if (username !== undefined && addr.username !== undefined)
    throw new ConfigError(`${lb.storeUrl} already names a user: drop it or ${lb.storeUser}`, 'storeUser');
  if (password !== undefined && addr.password !== undefined)
    throw new ConfigError(
      `${lb.storeUrl} already carries a password: drop it or ${password === v.storePassword ? lb.storePassword : lb.storePasswordFile}`,
      'storePassword',
    );
  return {
    url: raw,
    username: username ?? addr.username,
    password: password ?? addr.password,
    describe: describeAddress(addr),
  };
}
