/**
 * Setting descriptors: one entry per configurable value, giving its flag, environment variable,
 * config-file key, type, default and help. Flags, env, file and validation messages are all
 * derived from the same entry, so a message always names the setting the way the user set it.
 */

/** Value types a setting can have. */
export type SettingType =
  'string' | 'int' | 'number' | 'bool' | 'list' | 'duration' | 'size' | 'listen' | 'enum';

/** One setting. */
export interface SettingSpec {
  /** Key in the typed config and in config files (camelCase; kebab-case is accepted too). */
  key: string;
  /** Long flag without dashes, e.g. `grpc-listen`. */
  flag: string;
  type: SettingType;
  help: string;
  default?: unknown;
  /** Allowed values of an enum. */
  values?: string[];
  /** Value placeholder in help, e.g. HOST:PORT. */
  arg?: string;
  /** Lower bound for int/number/duration/size. */
  min?: number;
  max?: number;
  /** Not shown in --help (advanced). */
  hidden?: boolean;
}

/** Where a value came from. */
export type Origin = 'default' | 'file' | 'env' | 'flag';

/** An invalid setting; the message names the flag, env variable or file key. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The environment variable of a setting: FLOWLENS_ + flag in upper snake case. */
export function envName(spec: Pick<SettingSpec, 'flag'>): string {
  return 'FLOWLENS_' + spec.flag.toUpperCase().replace(/-/g, '_');
}

/** How a setting is named in messages for a given origin. */
export function settingLabel(spec: SettingSpec, origin: Origin, file?: string): string {
  switch (origin) {
    case 'flag':
      return `--${spec.flag}`;
    case 'env':
      return envName(spec);
    case 'file':
      return `${spec.key} (in ${file ?? 'config file'})`;
    default:
      return `--${spec.flag}`;
  }
}

const UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "1h30m", "15m", "500ms", "2d", or a number of seconds. */
export function parseDurationMs(v: string): number | undefined {
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(t)) !== null) {
    total += Number(m[1]) * UNITS_MS[m[2]];
    matched = re.lastIndex;
  }
  return matched === t.length && t.length > 0 ? total : undefined;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses "2GB", "512MiB", "1000000" into bytes. */
export function parseSize(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(v.trim());
  if (!m) return undefined;
  const unit = SIZE_UNITS[m[2].toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** A listen address: host and port (port 0 = ephemeral). */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses "HOST:PORT", ":PORT" (all interfaces) or "[::1]:PORT". */
export function parseListen(v: string): ListenAddress | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]*):(\d{1,5})$/.exec(v.trim());
  if (!m || Number(m[2]) > 65535) return undefined;
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { host: host === '' ? '0.0.0.0' : host, port: Number(m[2]) };
}

/** True for addresses reachable only from this machine. */
export function isLoopback(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '::ffff:127.0.0.1'
  );
}

/** Converts a raw value (string from flag/env, or any JSON/YAML value from a file) to the setting's type. */
export function coerce(spec: SettingSpec, raw: unknown, label: string): unknown {
  const fail = (want: string): never => {
    throw new ConfigError(`invalid ${label} ${JSON.stringify(raw)}: ${want}`, spec.key);
  };
  const str =
    typeof raw === 'string'
      ? raw
      : typeof raw === 'number' || typeof raw === 'boolean'
        ? String(raw)
        : undefined;
  switch (spec.type) {
    case 'string':
      return str ?? fail('want a string');
    case 'enum':
      if (str === undefined || !spec.values!.includes(str)) fail(`want one of ${spec.values!.join(', ')}`);
      return str;
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (str !== undefined && /^(true|1|yes|on)$/i.test(str)) return true;
      if (str !== undefined && /^(false|0|no|off)$/i.test(str)) return false;
      return fail('want true or false');
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : str !== undefined && str.trim() !== '' ? Number(str) : NaN;
      if (!Number.isFinite(n) || (spec.type === 'int' && !Number.isInteger(n)))
        fail(spec.type === 'int' ? 'want an integer' : 'want a number');
      return bounds(spec, n, label, raw);
    }
    case 'duration': {
      const n = typeof raw === 'number' ? raw * 1000 : str !== undefined ? parseDurationMs(str) : undefined;
      if (n === undefined) fail('want a duration such as 30s, 15m, 24h');
      return bounds(spec, n!, label, raw);
    }
    case 'size': {
      const n = typeof raw === 'number' ? raw : str !== undefined ? parseSize(str) : undefined;
      if (n === undefined) fail('want a size such as 512MiB or 2GB');
      return bounds(spec, n!, label, raw);
    }
    case 'listen': {
      if (str === '' || str === 'off') return undefined;
      const a = str !== undefined ? parseListen(str) : undefined;
      if (!a) fail('want HOST:PORT (e.g. 127.0.0.1:4245), or "off"');
      return a;
    }
    case 'list': {
      if (Array.isArray(raw)) return raw.map((x) => String(x));
      if (str === undefined) return fail('want a list');
      return str
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');
    }
  }
}

function bounds(spec: SettingSpec, n: number, label: string, raw: unknown): number {
  if (spec.min !== undefined && n < spec.min)
    throw new ConfigError(`invalid ${label} ${JSON.stringify(raw)}: must be at least ${spec.min}`, spec.key);
  if (spec.max !== undefined && n > spec.max)
    throw new ConfigError(`invalid ${label} ${JSON.stringify(raw)}: must be at most ${spec.max}`, spec.key);
  return n;
}
