/**
 * DNS vocabulary of the dashboards: return-code names as Grafana's ACNS legends show them
 * ("Non-Existent Domain (A)"), success tests and the "requests missing a response" share.
 */

/** RFC 1035/2136 return codes by number, named as in the ACNS DNS dashboards. */
const RCODE_NAMES: Record<string, string> = {
  '0': 'No Error',
  '1': 'Format Error',
  '2': 'Server Failure',
  '3': 'Non-Existent Domain',
  '4': 'Not Implemented',
  '5': 'Query Refused',
  '6': 'Name Exists',
  '7': 'RRset Exists',
  '8': 'NXRRset',
  '9': 'Not Authorized',
  '10': 'Not Zone',
};

const RCODE_BY_MNEMONIC: Record<string, string> = {
  NOERROR: '0',
  FORMERR: '1',
  SERVFAIL: '2',
  NXDOMAIN: '3',
  NOTIMP: '4',
  REFUSED: '5',
};

/** Normalises an rcode group key (number, mnemonic or '') to its number text; '' means 0. */
export function rcodeNumber(key: string): string {
  const k = key.trim().toUpperCase();
  if (k === '') return '0';
  return RCODE_BY_MNEMONIC[k] ?? k;
}

/** Human name of an rcode key. */
export function rcodeName(key: string): string {
  const n = rcodeNumber(key);
  return RCODE_NAMES[n] ?? `rcode ${key}`;
}

/** True for any rcode other than NOERROR. */
export function isDnsError(key: string): boolean {
  return rcodeNumber(key) !== '0';
}

/** Reads an is_reply group key: true, false or undefined (unknown). */
export function replyKey(key: string): boolean | undefined {
  const k = key.toLowerCase();
  if (k === 'true' || k === '1') return true;
  if (k === 'false' || k === '0') return false;
  return undefined;
}

/**
 * Percentage of requests without a response, never below 0 (ACNS clamps it too).
 *
 * @example missingPercent(100, 90) // 10
 */
export function missingPercent(requests: number, responses: number): number {
  if (requests <= 0) return 0;
  return Math.max(0, ((requests - responses) / requests) * 100);
}
