/**
 * SOURCE / DESTINATION host rendering shared by compact, dict and table
 * (hubble-cli-observe.md §4 "Host rendering"). All untrusted strings are sanitized here.
 */
import type { Flow, Service } from '../../flow/index.js';
import type { Colorizer } from './color.js';
import { sanitize } from './sanitize.js';

/** Source and destination host text of one flow, colored when the colorizer says so. */
export interface Hosts {
  src: string;
  dst: string;
}

function portString(port: number | undefined): string {
  return port === undefined || port === 0 ? '' : String(port);
}

/** `ns/name`, or just `name` when the namespace is empty. */
function qualify(ns: string, name: string): string {
  return ns === '' ? name : ns + '/' + name;
}

function hostName(
  ip: string | undefined,
  ns: string | undefined,
  pod: string | undefined,
  svc: Service | undefined,
  names: string[] | undefined,
  ipTranslation: boolean,
): string {
  if (ipTranslation) {
    // A present Service replaces the endpoint namespace, even with an empty namespace.
    const namespace = svc !== undefined ? (svc.namespace ?? '') : (ns ?? '');
    if (pod) return sanitize(qualify(namespace, pod));
    if (svc?.name) return sanitize(qualify(namespace, svc.name));
    if (names !== undefined && names.length > 0)
      return sanitize(names.length === 1 ? names[0] : names.join(','));
  }
  return ip === undefined ? '' : sanitize(ip);
}

/** Appends `:port` (port colored), bracketing IPv6-looking hosts, then colors the host. */
function withPort(host: string, port: string, c: Colorizer): string {
  if (port === '') return c.host(host);
  const h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
  return c.host(h + ':' + c.port(port));
}

/**
 * Renders both hosts of a flow.
 *
 * Without an `IP` message the Ethernet MACs are shown (colored, no port); without Ethernet
 * either both hosts are empty and uncolored. Otherwise: `ns/pod`, else `ns/service`, else the
 * DNS names joined with `,`, else the IP (always the IP with `ipTranslation` off); then
 * `:port` for non-zero TCP/UDP/SCTP ports, `[v6]:port` when the host contains a colon.
 */
export function renderHosts(f: Flow, c: Colorizer, ipTranslation: boolean): Hosts {
  const ip = f.IP;
  if (ip === undefined) {
    const eth = f.ethernet;
    if (eth === undefined) return { src: '', dst: '' };
    return { src: c.host(sanitize(eth.source ?? '')), dst: c.host(sanitize(eth.destination ?? '')) };
  }
  let srcPort = '';
  let dstPort = '';
  const l4 = f.l4;
  if (l4 !== undefined) {
    const ports = l4.TCP ?? l4.UDP ?? l4.SCTP;
    if (ports !== undefined) {
      srcPort = portString(ports.source_port);
      dstPort = portString(ports.destination_port);
    }
  }
  const s = f.source;
  const d = f.destination;
  const src = hostName(ip.source, s?.namespace, s?.pod_name, f.source_service, f.source_names, ipTranslation);
  const dst = hostName(
    ip.destination,
    d?.namespace,
    d?.pod_name,
    f.destination_service,
    f.destination_names,
    ipTranslation,
  );
  return { src: withPort(src, srcPort, c), dst: withPort(dst, dstPort, c) };
}
