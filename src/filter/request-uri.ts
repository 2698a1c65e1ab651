/**
 * The path of a URL as Go's `url.ParseRequestURI` computes it — what hubble's `http_path`
 * filter matches against. The URL must be absolute (`scheme:…`) or an absolute path; the
 * authority is validated (port digits, host characters, userinfo characters); the path is
 * percent-decoded; a fragment is *not* split off. Anything Go rejects yields undefined, so the
 * flow does not match (verified: `rel/path` never matches).
 */

const HOST_OK = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Go's `unescape` for paths (mode encodePath) and hosts; undefined on an invalid escape. */
function unescape(s: string, host: boolean): string | undefined {
  if (s.indexOf('%') === -1) {
    if (host)
      for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x80 && !HOST_OK.test(s[i])) return undefined;
    return s;
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!HEX.test(h)) return undefined;
      // In a host only non-ASCII bytes (and %25 in zones) may be escaped.
      if (host && parseInt(h[0], 16) < 8 && h !== '25') return undefined;
      bytes.push(parseInt(h, 16));
      i += 3;
    } else {
      if (host && s.charCodeAt(i) < 0x80 && !HOST_OK.test(c)) return undefined;
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function validPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

/** Go's `parseHost`: true when the host part is acceptable. */
function validHost(host: string): boolean {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0 || !validPort(host.slice(close + 1))) return false;
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0)
      return (
        unescape(host.slice(0, zone), true) !== undefined && unescape(host.slice(close), true) !== undefined
      );
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validPort(host.slice(colon))) return false;
  }
  return unescape(host, true) !== undefined;
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (!validHost(authority.slice(at + 1))) return false;
  if (at < 0) return true;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) return false;
  return userinfo.split(':', 2).every((part) => unescape(part, false) !== undefined);
}

const SCHEME_CHAR = /[A-Za-z0-9+\-.]/;

/** The decoded path of a request URI, or undefined when Go's ParseRequestURI fails. */
export function requestUriPath(raw: string): string | undefined {
  // Control characters (and DEL) are rejected outright.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return undefined;
  }
  if (raw === '') return undefined;
  if (raw === '*') return '*';
  let scheme = '';
  let rest = raw;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (SCHEME_CHAR.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) return undefined; // missing protocol scheme
      scheme = raw.slice(0, i);
      rest = raw.slice(i + 1);
    }
    break;
  }
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf('?');
    if (q >= 0) rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) return scheme !== '' ? '' : undefined; // opaque URI: empty path
  if (scheme !== '' && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) [authority, rest] = [authority.slice(0, slash), authority.slice(slash)];
    if (!validAuthority(authority)) return undefined;
  }
  return unescape(rest, false);
}
