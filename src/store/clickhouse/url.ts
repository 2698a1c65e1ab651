/**
 * The ClickHouse store's address: `clickhouse://[USER[:PASSWORD]@]HOST[:PORT][/DATABASE]`
 * (HTTP, default port 8123), `clickhouses://` for HTTPS (default port 8443); `http://` and
 * `https://` are accepted too. Credentials may come separately (flags, environment); they are
 * never part of a message: `describe` gives the address without them.
 */
import { DATABASE_RE } from './sql.js';

/** A parsed store address. */
export interface ClickHouseAddress {
  /** http(s)://host:port of the server (no credentials, no path). */
  url: string;
  database: string;
  username?: string;
  password?: string;
}

/** Default database when the URL names none. */
export const DEFAULT_DATABASE = 'flowlens';

/** An invalid store address (the message never contains the password). */
export class StoreUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUrlError';
  }
}

/** True when `s` looks like a ClickHouse store address (by its scheme). */
export function isClickHouseUrl(s: string): boolean {
  return /^(clickhouses?|https?):\/\//i.test(s.trim());
}

/** Parses a store address; throws StoreUrlError saying what is wrong. */
export function parseClickHouseUrl(s: string): ClickHouseAddress {
  const m = /^(clickhouses?|https?):\/\/(.*)$/i.exec(s.trim());
  if (!m) throw new StoreUrlError('want clickhouse://HOST[:PORT][/DATABASE] (or clickhouses:// for HTTPS)');
  const scheme = m[1].toLowerCase();
  const tls = scheme === 'clickhouses' || scheme === 'https';
  let u: URL;
  try {
    u = new URL(`${tls ? 'https' : 'http'}://${m[2]}`);
  } catch {
    throw new StoreUrlError(
      `not a valid address: ${describeRaw(s)} (want clickhouse://HOST[:PORT][/DATABASE])`,
    );
  }
  if (!u.hostname) throw new StoreUrlError('the address has no host');
  if (u.search || u.hash) throw new StoreUrlError('the address must not have a query or fragment');
  const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ''));
  const database = path || DEFAULT_DATABASE;
  if (!DATABASE_RE.test(database))
    throw new StoreUrlError(
      `invalid database name ${JSON.stringify(database)}: letters, digits and _ only, not starting with a digit`,
    );
  const port = u.port || (tls ? '8443' : '8123');
  return {
    url: `${u.protocol}//${u.hostname.includes(':') && !u.hostname.startsWith('[') ? `[${u.hostname}]` : u.hostname}:${port}`,
    database,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

/** The address without credentials, for messages: http://host:port/database. */
export function describeAddress(a: Pick<ClickHouseAddress, 'url' | 'database'>): string {
  return `${a.url}/${a.database}`;
}

/** A raw address with any user-info removed (for messages about an address that did not parse). */
export function describeRaw(s: string): string {
  return s.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');
}

/** Removes every occurrence of `secret` from a message. */
export function redact(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('***') : message;
}
