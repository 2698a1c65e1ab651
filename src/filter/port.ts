/**
 * `source_port` / `destination_port`: decimal uint16 strings (Go `strconv.ParseUint(s, 10, 16)`:
 * `080` is 80, signs, `0x50` and `_` are invalid) compared with the TCP, UDP or SCTP port.
 * Flows without one of those L4 records never match.
 */
import type { Flow, Ports } from '../flow/types.js';
import type { FieldMatcher, FilterBuilder } from './builder.js';
import { isSet } from './builder.js';
import { FilterError } from './errors.js';
import { goQuote } from './go-text.js';

/**
 * Go's `strconv.ParseUint(s, 10, 16)`. Returns the value or the Go error text. Like Go, a range
 * error is reported as soon as the value overflows, before later invalid characters are seen.
 */
export function parseUint16(s: string): number | string {
  const fail = (why: string): string => `strconv.ParseUint: parsing ${goQuote(s)}: ${why}`;
  if (s === '') return fail('invalid syntax');
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return fail('invalid syntax');
    n = n * 10 + (c - 0x30);
    if (n > 0xffff) return fail('value out of range');
  }
  return n;
}

function l4Ports(f: Flow): Ports | undefined {
  const l4 = f.l4;
  if (l4 === undefined) return undefined;
  return l4.TCP ?? l4.UDP ?? l4.SCTP;
}

function portMatcher(
  field: string,
  elements: readonly string[],
  side: 'source_port' | 'destination_port',
  errorPrefix: string,
): FieldMatcher {
  const wanted = new Set<number>();
  for (const el of elements) {
    const p = parseUint16(el);
    if (typeof p === 'string') throw new FilterError(`${errorPrefix}invalid port ${goQuote(el)}: ${p}`);
    wanted.add(p);
  }
  return {
    field,
    match: (f) => {
      const ports = l4Ports(f);
      return ports !== undefined && wanted.has(ports[side] ?? 0);
    },
  };
}

/** Builder for the port fields. */
export const portBuilder: FilterBuilder = {
  name: 'port',
  help: 'source_port, destination_port: TCP/UDP/SCTP ports',
  build(filter) {
    const out: FieldMatcher[] = [];
    if (isSet(filter.source_port))
      out.push(portMatcher('source_port', filter.source_port, 'source_port', 'invalid source port filter: '));
    if (isSet(filter.destination_port)) {
      out.push(
        portMatcher(
          'destination_port',
          filter.destination_port,
          'destination_port',
          'invalid destination port filter: ',
        ),
      );
    }
    return out;
  },
};
