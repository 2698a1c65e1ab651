import { describe, expect, it } from 'vitest';
import { parseObserveArgs } from './request.js';

const ctx = { nowMs: 0, env: {} };

function errorOf(argv: string[]): string | undefined {
  try {
    parseObserveArgs([...argv, '--print-raw-filters'], ctx);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

// Flag-level value checks of v0.12.3 (§2, §2.3): they fail while parsing, wrapped by pflag.
const cases: { name: string; argv: string[]; wantError: string }[] = [
  {
    name: 'type > rejects an unknown name',
    argv: ['-t', 'foo'],
    wantError: `invalid argument "foo" for "-t, --type" flag: unable to parse type 'foo', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing "foo": invalid syntax`,
  },
  {
    name: 'type > rejects an unknown trace sub-type',
    argv: ['-t', 'trace:foo'],
    wantError: `invalid argument "trace:foo" for "-t, --type" flag: unable to parse event sub-type 'foo', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing "foo": invalid syntax`,
  },
  {
    name: 'type > names are case-sensitive',
    argv: ['--type', 'Trace'],
    wantError: `invalid argument "Trace" for "-t, --type" flag: unable to parse type 'Trace', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing "Trace": invalid syntax`,
  },
  {
    name: 'type > sub-type names need the type name',
    argv: ['-t', '4:to-endpoint'],
    wantError: `invalid argument "4:to-endpoint" for "-t, --type" flag: unable to parse event sub-type 'to-endpoint', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing "to-endpoint": invalid syntax`,
  },
  {
    name: 'type > drop takes numbers only',
    argv: ['-t', 'drop:policy'],
    wantError: `invalid argument "drop:policy" for "-t, --type" flag: unable to parse event sub-type 'policy', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing "policy": invalid syntax`,
  },
  {
    name: 'type > an empty sub-type is invalid',
    argv: ['-t', 'trace:'],
    wantError: `invalid argument "trace:" for "-t, --type" flag: unable to parse event sub-type '', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing "": invalid syntax`,
  },
  {
    name: 'type > v1.19 crypto names do not exist',
    argv: ['-t', 'trace:to-crypto'],
    wantError: `invalid argument "trace:to-crypto" for "-t, --type" flag: unable to parse event sub-type 'to-crypto', not a known sub-type name and unable to parse as numeric value: strconv.ParseUint: parsing "to-crypto": invalid syntax`,
  },
  {
    name: 'type > out of uint32 range',
    argv: ['-t', '4294967296'],
    wantError: `invalid argument "4294967296" for "-t, --type" flag: unable to parse type '4294967296', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing "4294967296": value out of range`,
  },
  {
    name: 'type > no hex prefix (base 10)',
    argv: ['-t', '0x4'],
    wantError: `invalid argument "0x4" for "-t, --type" flag: unable to parse type '0x4', not a known type name and unable to parse as numeric value: strconv.ParseUint: parsing "0x4": invalid syntax`,
  },
  {
    name: 'verdict > rejects lower case',
    argv: ['--verdict', 'dropped'],
    wantError: 'invalid argument "dropped" for "--verdict" flag: invalid --verdict value: dropped',
  },
  {
    name: 'verdict > rejects v1.19-free names',
    argv: ['--verdict', 'ALLOWED'],
    wantError: 'invalid argument "ALLOWED" for "--verdict" flag: invalid --verdict value: ALLOWED',
  },
  {
    name: 'tcp-flags > rejects an unknown flag as typed',
    argv: ['--tcp-flags', 'SYN,foo'],
    wantError: 'invalid argument "SYN,foo" for "--tcp-flags" flag: unknown tcp flag: foo',
  },
  {
    name: 'tcp-flags > rejects an empty value',
    argv: ['--tcp-flags', ''],
    wantError: 'invalid argument "" for "--tcp-flags" flag: unknown tcp flag: ',
  },
  {
    name: 'tcp-flags > rejects a trailing comma',
    argv: ['--tcp-flags', 'SYN,'],
    wantError: 'invalid argument "SYN," for "--tcp-flags" flag: unknown tcp flag: ',
  },
  {
    name: 'traffic-direction > lower-cases the bad value',
    argv: ['--traffic-direction', 'INBOUND'],
    wantError:
      'invalid argument "INBOUND" for "--traffic-direction" flag: inbound: invalid traffic direction, expected ingress or egress',
  },
  {
    name: 'identity > rejects unknown',
    argv: ['--identity', 'unknown'],
    wantError:
      'invalid argument "unknown" for "--identity" flag: invalid security identity, expected one of [host world unmanaged health init remote-node kube-apiserver ingress] or a numeric value',
  },
  {
    name: 'identity > rejects world-ipv4 (v1.19 only)',
    argv: ['--from-identity', 'world-ipv4'],
    wantError:
      'invalid argument "world-ipv4" for "--from-identity" flag: invalid security identity, expected one of [host world unmanaged health init remote-node kube-apiserver ingress] or a numeric value',
  },
  {
    name: 'identity > rejects negative numbers',
    argv: ['--to-identity', '-1'],
    wantError:
      'invalid argument "-1" for "--to-identity" flag: invalid security identity, expected one of [host world unmanaged health init remote-node kube-apiserver ingress] or a numeric value',
  },
  {
    name: 'identity > rejects values above uint32',
    argv: ['--identity', '4294967296'],
    wantError:
      'invalid argument "4294967296" for "--identity" flag: invalid security identity, expected one of [host world unmanaged health init remote-node kube-apiserver ingress] or a numeric value',
  },
];

describe('filter flag values', () => {
  it.each(cases)('$name', ({ argv, wantError }) => {
    expect(errorOf(argv)).toBe(wantError);
  });

  // Values validated later (at compile time, §2.6) are accepted by --print-raw-filters.
  it.each([
    ['--ip', '10.0.0'],
    ['--port', '70000'],
    ['--protocol', 'foo'],
    ['--http-status', '600'],
    ['--http-path', '('],
    ['--pod', ''],
    ['--node-name', 'a/b/c'],
    ['--fqdn', 'a$b'],
    ['--label', 'a b'],
  ])('%s %j is not validated while parsing', (flag, value) => {
    expect(errorOf([flag, value])).toBeUndefined();
  });
});
