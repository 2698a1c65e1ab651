/** Request metadata the gRPC server interprets: credentials and grpc-timeout. */
import { timingSafeEqual } from 'node:crypto';

/**
 * True when an `authorization` value carries the token: `Bearer <token>`, or `Basic` with the
 * token as password (what `hubble --basic-auth-password` sends). Constant-time comparison.
 */
export function tokenMatches(authorization: string | string[] | undefined, token: Buffer): boolean {
  const auth = String(authorization ?? '');
  let given: string | undefined;
  if (/^bearer /i.test(auth)) given = auth.slice(7).trim();
  else if (/^basic /i.test(auth)) {
    const dec = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    given = dec.slice(dec.indexOf(':') + 1);
  }
  if (given === undefined) return false;
  const g = Buffer.from(given);
  return g.length === token.length && timingSafeEqual(g, token);
}

/** Parses a grpc-timeout header ("<n><unit>") into an absolute deadline (ms since epoch). */
export function parseTimeout(v: string | string[] | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const ms = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 }[m[2] as 'H'];
  return Date.now() + Math.max(1, n * ms);
}
