import { describe, expect, it } from 'vitest';
import { encodeFilter } from '../../flow/index.js';
import { parseObserveArgs } from './request.js';

const ctx = { nowMs: Date.parse('2024-05-01T12:00:00Z'), env: {} };

/** The allow/deny lists a command line builds, each filter in hubble's JSON form. */
function lists(argv: string[]): { allow: string[]; deny: string[] } {
  const inv = parseObserveArgs([...argv, '--print-raw-filters'], ctx);
  if (inv.kind !== 'print-raw-filters') throw new Error(`unexpected ${inv.kind}`);
  return { allow: inv.request.whitelist.map(encodeFilter), deny: inv.request.blacklist.map(encodeFilter) };
}

interface Case {
  name: string;
  argv: string[];
  allow?: string[];
  deny?: string[];
}

// Every row of hubble-cli-observe.md §2.2 (verified against hubble v0.12.3), plus one case for
// each flag that table does not show.
const cases: Case[] = [
  {
    name: '-n kube-system gives two ORed pod filters',
    argv: ['-n', 'kube-system'],
    allow: ['{"source_pod":["kube-system/"]}', '{"destination_pod":["kube-system/"]}'],
  },
  {
    name: '-n a -n b appends to the same fields',
    argv: ['-n', 'a', '-n', 'b'],
    allow: ['{"source_pod":["a/","b/"]}', '{"destination_pod":["a/","b/"]}'],
  },
  {
    name: '--namespace with --verdict duplicates the verdict',
    argv: ['--namespace', 'X', '--verdict', 'DROPPED'],
    allow: [
      '{"source_pod":["X/"],"verdict":["DROPPED"]}',
      '{"destination_pod":["X/"],"verdict":["DROPPED"]}',
    ],
  },
  {
    name: '--from-namespace and --to-namespace combine in one filter',
    argv: ['--from-namespace', 'a', '--to-namespace', 'b'],
    allow: ['{"source_pod":["a/"],"destination_pod":["b/"]}'],
  },
  {
    name: '--from-namespace twice',
    argv: ['--from-namespace', 'a', '--from-namespace', 'b'],
    allow: ['{"source_pod":["a/","b/"]}'],
  },
  {
    name: '--from-pod ns/ with --to-namespace',
    argv: ['--from-pod', 'a/', '--to-namespace', 'b'],
    allow: ['{"source_pod":["a/"],"destination_pod":["b/"]}'],
  },
  {
    name: '--namespace with --from-label',
    argv: ['--namespace', 'a', '--from-label', 'x'],
    allow: ['{"source_pod":["a/"],"source_label":["x"]}', '{"source_label":["x"],"destination_pod":["a/"]}'],
  },
  {
    name: '--pod twice',
    argv: ['--pod', 'x', '--pod', 'y'],
    allow: ['{"source_pod":["x","y"]}', '{"destination_pod":["x","y"]}'],
  },
  {
    name: 'either flags pair up by side',
    argv: ['--pod', 'a/', '--label', 'app=x', '--identity', '5'],
    allow: [
      '{"source_pod":["a/"],"source_label":["app=x"],"source_identity":[5]}',
      '{"destination_pod":["a/"],"destination_label":["app=x"],"destination_identity":[5]}',
    ],
  },
  {
    name: '--label twice',
    argv: ['--label', 'a=b', '--label', 'c'],
    allow: ['{"source_label":["a=b","c"]}', '{"destination_label":["a=b","c"]}'],
  },
  {
    name: '-l short form',
    argv: ['-l', 'a=b'],
    allow: ['{"source_label":["a=b"]}', '{"destination_label":["a=b"]}'],
  },
  {
    name: '--from-label and --to-label',
    argv: ['--from-label', 'k8s:app=x', '--to-label', 'reserved:world'],
    allow: ['{"source_label":["k8s:app=x"],"destination_label":["reserved:world"]}'],
  },
  {
    name: '--ip CIDR',
    argv: ['--ip', '10.0.0.0/24'],
    allow: ['{"source_ip":["10.0.0.0/24"]}', '{"destination_ip":["10.0.0.0/24"]}'],
  },
  {
    name: '--ip twice',
    argv: ['--ip', '1.1.1.1', '--ip', '2.2.2.0/24'],
    allow: ['{"source_ip":["1.1.1.1","2.2.2.0/24"]}', '{"destination_ip":["1.1.1.1","2.2.2.0/24"]}'],
  },
  {
    name: '--ip with --protocol keeps the protocol as typed',
    argv: ['--ip', '10.0.0.1', '--protocol', 'tcp'],
    allow: [
      '{"source_ip":["10.0.0.1"],"protocol":["tcp"]}',
      '{"destination_ip":["10.0.0.1"],"protocol":["tcp"]}',
    ],
  },
  {
    name: '--ip with --port never mixes sides',
    argv: ['--ip', '1.1.1.1', '--port', '80'],
    allow: [
      '{"source_ip":["1.1.1.1"],"source_port":["80"]}',
      '{"destination_ip":["1.1.1.1"],"destination_port":["80"]}',
    ],
  },
  {
    name: '--from-ip and --to-ip',
    argv: ['--from-ip', '1.1.1.1', '--to-ip', '2.2.2.2'],
    allow: ['{"source_ip":["1.1.1.1"],"destination_ip":["2.2.2.2"]}'],
  },
  {
    name: '--fqdn',
    argv: ['--fqdn', 'www.cilium.io'],
    allow: ['{"source_fqdn":["www.cilium.io"]}', '{"destination_fqdn":["www.cilium.io"]}'],
  },
  { name: '--to-fqdn wildcard', argv: ['--to-fqdn', '*.x.com'], allow: ['{"destination_fqdn":["*.x.com"]}'] },
  {
    name: '--from-fqdn twice',
    argv: ['--from-fqdn', 'a.com', '--from-fqdn', 'b.com'],
    allow: ['{"source_fqdn":["a.com","b.com"]}'],
  },
  {
    name: '--fqdn, --port and --verdict',
    argv: ['--fqdn', 'a.com', '--port', '443', '--verdict', 'DROPPED'],
    allow: [
      '{"source_fqdn":["a.com"],"verdict":["DROPPED"],"source_port":["443"]}',
      '{"destination_fqdn":["a.com"],"verdict":["DROPPED"],"destination_port":["443"]}',
    ],
  },
  {
    name: '--service',
    argv: ['--service', 'shop/frontend'],
    allow: ['{"source_service":["shop/frontend"]}', '{"destination_service":["shop/frontend"]}'],
  },
  {
    name: '--from-service and --to-service',
    argv: ['--from-service', 'a', '--to-service', 'kube-system/kube-dns'],
    allow: ['{"source_service":["a"],"destination_service":["kube-system/kube-dns"]}'],
  },
  {
    name: '--port',
    argv: ['--port', '53'],
    allow: ['{"source_port":["53"]}', '{"destination_port":["53"]}'],
  },
  {
    name: '--from-port and --to-port',
    argv: ['--from-port', '53', '--to-port', '443'],
    allow: ['{"source_port":["53"],"destination_port":["443"]}'],
  },
  {
    name: '--from-workload kind/name and --to-workload name',
    argv: ['--from-workload', 'Deployment/foo', '--to-workload', 'bar'],
    allow: [
      '{"source_workload":[{"name":"foo","kind":"Deployment"}],"destination_workload":[{"name":"bar"}]}',
    ],
  },
  {
    name: '--workload kind/',
    argv: ['--workload', 'Deployment/'],
    allow: [
      '{"source_workload":[{"kind":"Deployment"}]}',
      '{"destination_workload":[{"kind":"Deployment"}]}',
    ],
  },
  {
    name: '--workload empty matches any workload',
    argv: ['--from-workload', ''],
    allow: ['{"source_workload":[{}]}'],
  },
  {
    name: '--workload, --port and --service',
    argv: ['--workload', 'a', '--port', '1', '--service', 'b'],
    allow: [
      '{"source_service":["b"],"source_workload":[{"name":"a"}],"source_port":["1"]}',
      '{"destination_service":["b"],"destination_workload":[{"name":"a"}],"destination_port":["1"]}',
    ],
  },
  {
    name: '--from-identity number and --to-identity name',
    argv: ['--from-identity', '2', '--to-identity', 'world'],
    allow: ['{"source_identity":[2],"destination_identity":[2]}'],
  },
  {
    name: '--identity name and hex',
    argv: ['--identity', 'host', '--identity', '0x10'],
    allow: ['{"source_identity":[1,16]}', '{"destination_identity":[1,16]}'],
  },
  {
    name: '--identity octal and binary',
    argv: ['--from-identity', '010', '--from-identity', '0b11'],
    allow: ['{"source_identity":[8,3]}'],
  },
  {
    name: '--identity every reserved name',
    argv: [
      '--from-identity',
      'unmanaged',
      '--from-identity',
      'health',
      '--from-identity',
      'init',
      '--from-identity',
      'remote-node',
      '--from-identity',
      'kube-apiserver',
      '--from-identity',
      'ingress',
    ],
    allow: ['{"source_identity":[3,4,5,6,7,8]}'],
  },
  {
    name: '--verdict twice',
    argv: ['--verdict', 'DROPPED', '--verdict', 'ERROR'],
    allow: ['{"verdict":["DROPPED","ERROR"]}'],
  },
  {
    name: '--verdict every name',
    argv: [
      '--verdict',
      'FORWARDED',
      '--verdict',
      'AUDIT',
      '--verdict',
      'REDIRECTED',
      '--verdict',
      'TRACED',
      '--verdict',
      'TRANSLATED',
    ],
    allow: ['{"verdict":["FORWARDED","AUDIT","REDIRECTED","TRACED","TRANSLATED"]}'],
  },
  { name: '--http-status prefix', argv: ['--http-status', '5+'], allow: ['{"http_status_code":["5+"]}'] },
  {
    name: '--http-method and --http-path verbatim',
    argv: ['--http-method', 'get', '--http-path', '/api/.*'],
    allow: ['{"http_method":["get"],"http_path":["/api/.*"]}'],
  },
  {
    name: '--protocol twice, case kept',
    argv: ['--protocol', 'TCP', '--protocol', 'http'],
    allow: ['{"protocol":["TCP","http"]}'],
  },
  {
    name: '--tcp-flags list is one object',
    argv: ['--tcp-flags', 'SYN,ACK'],
    allow: ['{"tcp_flags":[{"SYN":true,"ACK":true}]}'],
  },
  {
    name: '--tcp-flags twice is two objects, case-insensitive',
    argv: ['--tcp-flags', 'syn', '--tcp-flags', 'fin'],
    allow: ['{"tcp_flags":[{"SYN":true},{"FIN":true}]}'],
  },
  {
    name: '--tcp-flags every flag',
    argv: ['--tcp-flags', 'fin,syn,rst,psh,ack,urg,ece,cwr,ns'],
    allow: [
      '{"tcp_flags":[{"FIN":true,"SYN":true,"RST":true,"PSH":true,"ACK":true,"URG":true,"ECE":true,"CWR":true,"NS":true}]}',
    ],
  },
  {
    name: '--traffic-direction case-insensitive',
    argv: ['--traffic-direction', 'INGRESS', '--traffic-direction', 'egress'],
    allow: ['{"traffic_direction":["INGRESS","EGRESS"]}'],
  },
  { name: '--ipv4', argv: ['--ipv4'], allow: ['{"ip_version":["IPv4"]}'] },
  { name: '-4 -6', argv: ['-4', '-6'], allow: ['{"ip_version":["IPv4","IPv6"]}'] },
  { name: '-46 clustered', argv: ['-46'], allow: ['{"ip_version":["IPv4","IPv6"]}'] },
  { name: '--ipv6=anything still means IPv6', argv: ['--ipv6=foo'], allow: ['{"ip_version":["IPv6"]}'] },
  {
    name: '--ip-version values',
    argv: ['--ip-version', 'none', '--ip-version', 'v6', '--ip-version', 'IP4'],
    allow: ['{"ip_version":["IP_NOT_USED","IPv6","IPv4"]}'],
  },
  {
    name: '--ip-version other spellings',
    argv: ['--ip-version', '4', '--ip-version', 'IPV6', '--ip-version', 'ip6', '--ip-version', ''],
    allow: ['{"ip_version":["IPv4","IPv6","IPv6","IP_NOT_USED"]}'],
  },
  {
    name: '--node-name patterns',
    argv: ['--node-name', 'k8s*', '--node-name', 'test-cluster/*.company.com'],
    allow: ['{"node_name":["k8s*","test-cluster/*.company.com"]}'],
  },
  { name: '--uuid', argv: ['--uuid', 'abc'], allow: ['{"uuid":["abc"]}'] },
  {
    name: '--trace-id',
    argv: ['--trace-id', '4bf92f3577b34da6a3ce929d0e0e4736'],
    allow: ['{"trace_id":["4bf92f3577b34da6a3ce929d0e0e4736"]}'],
  },
  {
    name: '--to-pod and --from-ip do not conflict',
    argv: ['--to-pod', 'a', '--from-ip', '1.1.1.1'],
    allow: ['{"source_ip":["1.1.1.1"],"destination_pod":["a"]}'],
  },
  {
    name: 'keys follow declaration order, not flag order',
    argv: ['--trace-id', 't', '--uuid', 'u', '--verdict', 'DROPPED'],
    allow: ['{"uuid":["u"],"verdict":["DROPPED"],"trace_id":["t"]}'],
  },
  {
    name: 'values are passed through verbatim',
    argv: ['--from-pod', ' Web ', '--http-method', 'PoSt'],
    allow: ['{"source_pod":[" Web "],"http_method":["PoSt"]}'],
  },
  { name: 'no filter flags give empty lists', argv: ['--since', '5m'], allow: [], deny: [] },
  // --type (§2.3)
  {
    name: '-t trace:to-endpoint omits sub_type 0',
    argv: ['-t', 'trace:to-endpoint'],
    allow: ['{"event_type":[{"type":4,"match_sub_type":true}]}'],
  },
  {
    name: '-t l7 -t drop are ORed',
    argv: ['-t', 'l7', '-t', 'drop'],
    allow: ['{"event_type":[{"type":129},{"type":1}]}'],
  },
  { name: '--type numeric type', argv: ['--type', '999'], allow: ['{"event_type":[{"type":999}]}'] },
  {
    name: '-t numeric type and sub-type',
    argv: ['-t', '4:3'],
    allow: ['{"event_type":[{"type":4,"match_sub_type":true,"sub_type":3}]}'],
  },
  {
    name: '-t drop with a numeric code',
    argv: ['-t', 'drop:133'],
    allow: ['{"event_type":[{"type":1,"match_sub_type":true,"sub_type":133}]}'],
  },
  {
    name: '-t agent:policy-updated',
    argv: ['-t', 'agent:policy-updated'],
    allow: ['{"event_type":[{"type":130,"match_sub_type":true,"sub_type":5}]}'],
  },
  {
    name: '-t trace:12 reaches crypto points',
    argv: ['-t', 'trace:12'],
    allow: ['{"event_type":[{"type":4,"match_sub_type":true,"sub_type":12}]}'],
  },
  {
    name: '-t every type name',
    argv: [
      '-t',
      'debug',
      '-t',
      'capture',
      '-t',
      'policy-verdict',
      '-t',
      'recorder',
      '-t',
      'trace-sock',
      '-t',
      'agent',
    ],
    allow: ['{"event_type":[{"type":2},{"type":3},{"type":5},{"type":6},{"type":7},{"type":130}]}'],
  },
  { name: '-t 0 prints an empty element', argv: ['-t', '0'], allow: ['{"event_type":[{}]}'] },
  // --not (§2.4)
  {
    name: '--not --verdict',
    argv: ['--not', '--verdict', 'FORWARDED'],
    allow: [],
    deny: ['{"verdict":["FORWARDED"]}'],
  },
  {
    name: '--not --namespace',
    argv: ['--not', '--namespace', 'kube-system'],
    deny: ['{"source_pod":["kube-system/"]}', '{"destination_pod":["kube-system/"]}'],
  },
  {
    name: 'several --not accumulate into one denylist filter',
    argv: [
      '--not',
      '--http-method',
      'put',
      '--not',
      '--http-method',
      'get',
      '--not',
      '--to-namespace',
      'foo',
    ],
    deny: ['{"destination_pod":["foo/"],"http_method":["put","get"]}'],
  },
  {
    name: '--not --from-ip --not --to-ip',
    argv: ['--not', '--from-ip', '1.1.1.1', '--not', '--to-ip', '2.2.2.2'],
    deny: ['{"source_ip":["1.1.1.1"],"destination_ip":["2.2.2.2"]}'],
  },
  {
    name: '--not applies to the next filter flag only',
    argv: ['--not', '--ip', '1.1.1.1', '--port', '80'],
    allow: ['{"source_port":["80"]}', '{"destination_port":["80"]}'],
    deny: ['{"source_ip":["1.1.1.1"]}', '{"destination_ip":["1.1.1.1"]}'],
  },
  {
    name: '--from-pod with --not --to-namespace',
    argv: ['--from-pod', 'shop/', '--not', '--to-namespace', 'shop'],
    allow: ['{"source_pod":["shop/"]}'],
    deny: ['{"destination_pod":["shop/"]}'],
  },
  {
    name: '--not=false still negates',
    argv: ['--not=false', '--verdict', 'DROPPED'],
    allow: [],
    deny: ['{"verdict":["DROPPED"]}'],
  },
  {
    name: '--not skips over non-filter flags',
    argv: ['--not', '--all', '--verdict', 'DROPPED'],
    allow: [],
    deny: ['{"verdict":["DROPPED"]}'],
  },
  {
    name: 'conflicting flags are fine in different lists',
    argv: ['--from-pod', 'a', '--not', '--from-ip', '1.1.1.1'],
    allow: ['{"source_pod":["a"]}'],
    deny: ['{"source_ip":["1.1.1.1"]}'],
  },
];

describe('filter flags → FlowFilter lists', () => {
  it.each(cases)('$name', ({ argv, allow, deny }) => {
    const got = lists(argv);
    if (allow !== undefined) expect(got.allow).toEqual(allow);
    if (deny !== undefined) expect(got.deny).toEqual(deny);
    if (deny === undefined) expect(got.deny).toEqual([]);
  });
});

// §2.1: conflicts, in the order hubble reports them, wrapped with the flag being parsed.
const conflicts: { name: string; argv: string[]; wantError: string }[] = [
  {
    name: '--pod with -n',
    argv: ['--pod', 'web', '-n', 'shop'],
    wantError:
      'invalid argument "shop" for "-n, --namespace" flag: filters --namespace and --pod cannot be combined',
  },
  {
    name: '--from-pod with --from-ip',
    argv: ['--from-pod', 'a', '--from-ip', '1.1.1.1'],
    wantError:
      'invalid argument "1.1.1.1" for "--from-ip" flag: filters --from-ip and --from-pod cannot be combined',
  },
  {
    name: '--fqdn with --to-ip',
    argv: ['--fqdn', 'a.com', '--to-ip', '1.1.1.1'],
    wantError: 'invalid argument "1.1.1.1" for "--to-ip" flag: filters --to-ip and --fqdn cannot be combined',
  },
  {
    name: '--label with --from-label',
    argv: ['--label', 'a', '--from-label', 'b'],
    wantError:
      'invalid argument "b" for "--from-label" flag: filters --label and --from-label cannot be combined',
  },
  {
    name: '-n with --to-pod',
    argv: ['-n', 'a', '--to-pod', 'b'],
    wantError:
      'invalid argument "b" for "--to-pod" flag: filters --to-pod and --namespace cannot be combined',
  },
  {
    name: '--from-namespace with --namespace',
    argv: ['--from-namespace', 'a', '--namespace', 'c'],
    wantError:
      'invalid argument "c" for "-n, --namespace" flag: filters --from-namespace and --namespace cannot be combined',
  },
  {
    name: '--from-fqdn with --from-namespace',
    argv: ['--from-fqdn', 'a', '--from-namespace', 'b'],
    wantError:
      'invalid argument "b" for "--from-namespace" flag: filters --from-fqdn and --from-namespace cannot be combined',
  },
  {
    name: '--ip with --fqdn',
    argv: ['--ip', '1.1.1.1', '--fqdn', 'a'],
    wantError: 'invalid argument "a" for "--fqdn" flag: filters --fqdn and --ip cannot be combined',
  },
  {
    name: '--to-fqdn with --to-pod',
    argv: ['--to-fqdn', 'a', '--to-pod', 'b'],
    wantError: 'invalid argument "b" for "--to-pod" flag: filters --to-fqdn and --to-pod cannot be combined',
  },
  {
    name: '--ip with --pod',
    argv: ['--ip', '1.1.1.1', '--pod', 'x'],
    wantError: 'invalid argument "x" for "--pod" flag: filters --ip and --pod cannot be combined',
  },
  {
    name: '--to-label with -l',
    argv: ['--to-label', 'a', '-l', 'b'],
    wantError:
      'invalid argument "b" for "-l, --label" flag: filters --label and --to-label cannot be combined',
  },
  {
    name: '--service with --from-service',
    argv: ['--service', 'a', '--from-service', 'b'],
    wantError:
      'invalid argument "b" for "--from-service" flag: filters --service and --from-service cannot be combined',
  },
  {
    name: '--to-service with --service',
    argv: ['--to-service', 'a', '--service', 'b'],
    wantError:
      'invalid argument "b" for "--service" flag: filters --service and --to-service cannot be combined',
  },
  {
    name: '--port with --to-port',
    argv: ['--port', '1', '--to-port', '2'],
    wantError: 'invalid argument "2" for "--to-port" flag: filters --port and --to-port cannot be combined',
  },
  {
    name: '--from-port with --port',
    argv: ['--from-port', '1', '--port', '2'],
    wantError: 'invalid argument "2" for "--port" flag: filters --port and --from-port cannot be combined',
  },
  {
    name: '--identity with --to-identity',
    argv: ['--identity', '1', '--to-identity', '2'],
    wantError:
      'invalid argument "2" for "--to-identity" flag: filters --identity and --to-identity cannot be combined',
  },
  {
    name: '--from-identity with --identity',
    argv: ['--from-identity', '1', '--identity', '2'],
    wantError:
      'invalid argument "2" for "--identity" flag: filters --identity and --from-identity cannot be combined',
  },
  {
    name: '--workload with --to-workload',
    argv: ['--workload', 'a', '--to-workload', 'b'],
    wantError:
      'invalid argument "b" for "--to-workload" flag: filters --workload and --to-workload cannot be combined',
  },
  {
    name: '--from-workload with --workload',
    argv: ['--from-workload', 'a', '--workload', 'b'],
    wantError:
      'invalid argument "b" for "--workload" flag: filters --workload and --from-workload cannot be combined',
  },
  {
    name: 'conflicts are checked inside the denylist too',
    argv: ['--not', '--pod', 'a', '--not', '-n', 'b'],
    wantError:
      'invalid argument "b" for "-n, --namespace" flag: filters --namespace and --pod cannot be combined',
  },
  {
    name: 'the conflict is reported before the value is parsed',
    argv: ['--identity', '1', '--to-identity', 'bogus'],
    wantError:
      'invalid argument "bogus" for "--to-identity" flag: filters --identity and --to-identity cannot be combined',
  },
  {
    name: 'consecutive --not',
    argv: ['--not', '--not', '--verdict', 'DROPPED'],
    wantError: 'invalid argument "true" for "--not" flag: consecutive --not statements',
  },
  {
    name: 'trailing --not',
    argv: ['--verdict', 'DROPPED', '--not'],
    wantError: 'trailing --not found in the arguments',
  },
];

const allowed: { name: string; argv: string[] }[] = [
  { name: '--from-pod a/ with --to-namespace b', argv: ['--from-pod', 'a/', '--to-namespace', 'b'] },
  { name: '--to-pod a with --from-ip', argv: ['--to-pod', 'a', '--from-ip', '1.1.1.1'] },
  { name: '--from-port with --to-port', argv: ['--from-port', '1', '--to-port', '2'] },
  { name: 'repeating a flag', argv: ['--pod', 'a', '--pod', 'b'] },
  { name: '--from-pod with --not --from-pod', argv: ['--from-pod', 'a', '--not', '--from-pod', 'b'] },
  { name: 'namespace flags with service flags', argv: ['-n', 'a', '--service', 'b'] },
  { name: '--from-label with --to-label', argv: ['--from-label', 'a', '--to-label', 'b'] },
];

describe('filter flag conflicts (§2.1)', () => {
  it.each(conflicts)('$name is rejected', ({ argv, wantError }) => {
    expect(() => lists(argv)).toThrow(wantError);
    try {
      lists(argv);
    } catch (err) {
      expect((err as Error).message).toBe(wantError);
    }
  });
  it.each(allowed)('$name is accepted', ({ argv }) => {
    expect(() => lists(argv)).not.toThrow();
  });
});

describe('filter flag table', () => {
  it('every filter flag is a registered command-line flag', async () => {
    const { FILTER_ACTIONS } = await import('./filter-flags.js');
    const { observeFlagTable } = await import('./request.js');
    const names = new Set(
      observeFlagTable()
        .flags.filter((f) => f.group === 'Filters')
        .map((f) => f.name),
    );
    for (const name of FILTER_ACTIONS.keys()) expect(names, name).toContain(name);
    expect(names).toContain('not');
    expect(names.size).toBe(FILTER_ACTIONS.size + 1);
  });
});
