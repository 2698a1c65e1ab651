/**
 * The flags of `flowlens observe`: hubble v0.12.3's names, short forms, value types and help
 * texts (grouped as hubble groups them), plus flowlens's extensions. `createObserveFlags`
 * binds them to a fresh `ObserveFlagValues`; filter flags feed a `FilterFlags` in order.
 */
import { FilterFlags, filterFlagSpec } from './filter-flags.js';
import type { FlagSpec } from './flag-parser.js';
import type { ServerConnectionFlags } from './live-client.js';
import { parseGoDuration } from './go-duration.js';
import { parseGoBool, parseGoUint } from '../../filter/go-strconv.js';

/** Flag values after parsing, before validation (hubble's selectorOpts, formattingOpts, ...). */
export interface ObserveFlagValues extends ServerConnectionFlags {
  all: boolean;
  last: bigint;
  first: bigint;
  follow: boolean;
  since: string;
  until: string;
  output: string;
  printNodeName: boolean;
  timeFormat: string;
  color: string;
  ipTranslation: boolean;
  numeric: boolean;
  /** undefined when the flag was not given (the environment may then supply it). */
  allowlist: string[] | undefined;
  denylist: string[] | undefined;
  server: string;
  timeout: bigint;
  fieldMask: string[];
  useDefaultFieldMasks: boolean;
  inputFiles: string[];
  silentErrors: boolean;
  printRawFilters: boolean;
  config: string;
  debug: boolean;
  help: boolean;
  /** flowlens: print counts instead of flows. */
  stats: boolean;
  /** flowlens: whether --server was given explicitly. */
  serverSet: boolean;
  filters: FilterFlags;
}

/** Fresh values with hubble's defaults. */
export function defaultObserveFlagValues(): ObserveFlagValues {
  return {
    all: false,
    last: 0n,
    first: 0n,
    follow: false,
    since: '',
    until: '',
    output: 'compact',
    printNodeName: false,
    timeFormat: 'StampMilli',
    color: 'auto',
    ipTranslation: true,
    numeric: false,
    allowlist: undefined,
    denylist: undefined,
    server: 'localhost:4245',
    timeout: 5_000_000_000n,
    tls: false,
    tlsAllowInsecure: false,
    tlsCaCertFiles: [],
    tlsClientCertFile: '',
    tlsClientKeyFile: '',
    tlsServerName: '',
    basicAuthUsername: '',
    basicAuthPassword: '',
    fieldMask: [],
    useDefaultFieldMasks: false,
    inputFiles: [],
    silentErrors: false,
    printRawFilters: false,
    config: '',
    debug: false,
    help: false,
    stats: false,
    serverSet: false,
    filters: new FilterFlags(),
  };
}

/** Help groups, in the order `--help` prints them. */
export type FlagGroup =
  | 'Selectors'
  | 'Filters'
  | 'Raw-Filters'
  | 'Formatting'
  | 'Flow Format'
  | 'Server'
  | 'Other'
  | 'flowlens'
  | 'Global';

/** A flag with its help metadata. */
export interface ObserveFlag extends FlagSpec {
  group: FlagGroup;
  /** pflag's value type name shown in help (`filter`, `string`, `uint`, ...; '' for bool). */
  type: string;
  usage: string;
  /** Default shown in help, when not the zero value. */
  defValue?: string;
}

/** The layout list of hubble's time help texts (`zone` is `-` for selectors, `Z` for printing). */
const layoutList = (zone: string): string => `  StampMilli:             Jan _2 15:04:05.000
  YearMonthDay:           2006-01-02
  YearMonthDayHour:       2006-01-02T15${zone}07:00
  YearMonthDayHourMinute: 2006-01-02T15:04${zone}07:00
  RFC3339:                2006-01-02T15:04:05${zone}07:00
  RFC3339Milli:           2006-01-02T15:04:05.999${zone}07:00
  RFC3339Micro:           2006-01-02T15:04:05.999999${zone}07:00
  RFC3339Nano:            2006-01-02T15:04:05.999999999${zone}07:00
  RFC1123Z:               Mon, 02 Jan 2006 15:04:05 -0700`;

const selectorTimeHelp = (what: string): string =>
  `Filter flows ${what} a specific date. The format is relative (e.g. 3s, 4m, 1h43,, ...) or one of:\n` +
  layoutList('-');

const TIME_FORMAT_HELP =
  'Specify the time format for printing. This option does not apply to the json and jsonpb output type. One of:\n' +
  layoutList('Z');

/** Help text of every filter flag, in hubble's order; short forms and defaults: src/filter/flags.ts. */
const FILTER_FLAGS: readonly [name: string, usage: string][] = [
  ['not', 'Reverses the next filter to be blacklist i.e. --not --from-ip 2.2.2.2'],
  ['uuid', 'Show the only flow matching this unique flow identifier, if any'],
  [
    'node-name',
    'Show all flows which match the given node names (e.g. "k8s*", "test-cluster/*.company.com")',
  ],
  ['protocol', 'Show only flows which match the given L4/L7 flow protocol (e.g. "udp", "http")'],
  ['tcp-flags', 'Show only flows which match the given TCP flags (e.g. "syn", "ack", "fin")'],
  [
    'type',
    `Filter by event types TYPE[:SUBTYPE]. Available types and subtypes:
TYPE             SUBTYPE
capture          n/a
drop             n/a
l7               n/a
policy-verdict   n/a
trace            from-endpoint
                 from-host
                 from-network
                 from-overlay
                 from-proxy
                 from-stack
                 to-endpoint
                 to-host
                 to-network
                 to-overlay
                 to-proxy
                 to-stack
trace-sock       n/a`,
  ],
  [
    'verdict',
    'Show only flows with this verdict [FORWARDED, DROPPED, AUDIT, REDIRECTED, ERROR, TRACED, TRANSLATED]',
  ],
  ['http-status', 'Show only flows which match this HTTP status code prefix (e.g. "404", "5+")'],
  ['http-method', 'Show only flows which match this HTTP method (e.g. "get", "post")'],
  ['http-path', 'Show only flows which match this HTTP path regular expressions (e.g. "/page/\\\\d+")'],
  ['trace-id', 'Show only flows which match this trace ID'],
  ['traffic-direction', 'Show all flows in the given traffic direction (either ingress or egress)'],
  ['from-fqdn', 'Show all flows originating at the given fully qualified domain name (e.g. "*.cilium.io").'],
  ['fqdn', 'Show all flows related to the given fully qualified domain name (e.g. "*.cilium.io").'],
  ['to-fqdn', 'Show all flows terminating at the given fully qualified domain name (e.g. "*.cilium.io").'],
  [
    'from-ip',
    "Show all flows originating at the given IP address. Each of the source IPs can be specified as an exact match (e.g. '1.1.1.1') or as a CIDR range (e.g.'1.1.1.0/24').",
  ],
  [
    'ip',
    "Show all flows related to the given IP address. Each of the IPs can be specified as an exact match (e.g. '1.1.1.1') or as a CIDR range (e.g.'1.1.1.0/24').",
  ],
  [
    'to-ip',
    "Show all flows terminating at the given IP address. Each of the destination IPs can be specified as an exact match (e.g. '1.1.1.1') or as a CIDR range (e.g.'1.1.1.0/24').",
  ],
  ['ipv4', 'Show only IPv4 flows'],
  ['ipv6', 'Show only IPv6 flows'],
  ['ip-version', 'Show only IPv4, IPv6 flows or non IP flows (e.g. ARP packets) (ie: "none", "v4", "v6")'],
  [
    'from-pod',
    "Show all flows originating in the given pod name prefix([namespace/]<pod-name>). If namespace is not provided, 'default' is used",
  ],
  [
    'pod',
    "Show all flows related to the given pod name prefix ([namespace/]<pod-name>). If namespace is not provided, 'default' is used.",
  ],
  [
    'to-pod',
    "Show all flows terminating in the given pod name prefix([namespace/]<pod-name>). If namespace is not provided, 'default' is used",
  ],
  ['from-namespace', 'Show all flows originating in the given Kubernetes namespace.'],
  ['namespace', 'Show all flows related to the given Kubernetes namespace.'],
  ['to-namespace', 'Show all flows terminating in the given Kubernetes namespace.'],
  [
    'from-label',
    'Show only flows originating in an endpoint with the given labels (e.g. "key1=value1", "reserved:world")',
  ],
  [
    'label',
    'Show only flows related to an endpoint with the given labels (e.g. "key1=value1", "reserved:world")',
  ],
  [
    'to-label',
    'Show only flows terminating in an endpoint with given labels (e.g. "key1=value1", "reserved:world")',
  ],
  [
    'from-service',
    "Shows flows where the source IP address matches the ClusterIP address of the given service name prefix([namespace/]<svc-name>). If namespace is not provided, 'default' is used",
  ],
  [
    'service',
    "Shows flows where either the source or destination IP address matches the ClusterIP address of the given service name prefix ([namespace/]<svc-name>). If namespace is not provided, 'default' is used. ",
  ],
  [
    'to-service',
    "Shows flows where the destination IP address matches the ClusterIP address of the given service name prefix ([namespace/]<svc-name>). If namespace is not provided, 'default' is used",
  ],
  ['from-port', 'Show only flows with the given source port (e.g. 8080)'],
  ['port', 'Show only flows with given port in either source or destination (e.g. 8080)'],
  ['to-port', 'Show only flows with the given destination port (e.g. 8080)'],
  ['from-workload', 'Show all flows originating at an endpoint with the given workload'],
  ['workload', 'Show all flows related to an endpoint with the given workload'],
  ['to-workload', 'Show all flows terminating at an endpoint with the given workload'],
  ['from-identity', 'Show all flows originating at an endpoint with the given security identity'],
  ['identity', 'Show all flows related to an endpoint with the given security identity'],
  ['to-identity', 'Show all flows terminating at an endpoint with the given security identity'],
];

type Setter = (v: string) => void;

/**
 * Builds the flag table bound to `values`. Every `set` may throw an Error with the reason
 * text of hubble's `invalid argument ...` message.
 */
export function createObserveFlags(values: ObserveFlagValues): ObserveFlag[] {
  const bool =
    (apply: (b: boolean) => void): Setter =>
    (v) =>
      apply(parseGoBool(v));
  const uint64 =
    (apply: (n: bigint) => void): Setter =>
    (v) =>
      apply(parseGoUint(v, 0, 64));
  const flag = (
    group: FlagGroup,
    name: string,
    short: string | undefined,
    type: string,
    usage: string,
    set: Setter,
    defValue?: string,
  ): ObserveFlag => ({
    group,
    name,
    short,
    type,
    usage,
    set,
    defValue,
    noOptDefVal: type === '' ? 'true' : undefined,
  });
  // pflag's StringSlice: the first use replaces the default, values are comma-separated.
  const slice = (get: () => string[], put: (v: string[]) => void): Setter => {
    let touched = false;
    return (v) => {
      const items = v === '' ? [] : v.split(',');
      put(touched ? [...get(), ...items] : items);
      touched = true;
    };
  };

  const selectors: ObserveFlag[] = [
    flag(
      'Selectors',
      'all',
      undefined,
      '',
      "Get all flows stored in Hubble's buffer. Note: this option may cause Hubble to return a lot of data. It is recommended to only use it along filters to limit the amount of data returned.",
      bool((b) => (values.all = b)),
    ),
    flag(
      'Selectors',
      'last',
      undefined,
      'uint',
      "Get last N flows stored in Hubble's buffer (default 20). When querying against Hubble Relay, this gets N flows per instance of Hubble connected to that Relay.",
      uint64((n) => (values.last = n)),
    ),
    flag(
      'Selectors',
      'first',
      undefined,
      'uint',
      "Get first N flows stored in Hubble's buffer. When querying against Hubble Relay, this gets N flows per instance of Hubble connected to that Relay.",
      uint64((n) => (values.first = n)),
    ),
    flag(
      'Selectors',
      'follow',
      'f',
      '',
      'Follow flows output',
      bool((b) => (values.follow = b)),
    ),
    flag('Selectors', 'since', undefined, 'string', selectorTimeHelp('since'), (v) => (values.since = v)),
    flag('Selectors', 'until', undefined, 'string', selectorTimeHelp('until'), (v) => (values.until = v)),
  ];

  // Short forms and defaults without `=value` come from the shared filter-flag table.
  const filters: ObserveFlag[] = FILTER_FLAGS.map(([name, usage]) => ({
    group: 'Filters' as const,
    name,
    short: filterFlagSpec(name)?.short,
    type: 'filter',
    usage,
    noOptDefVal: filterFlagSpec(name)?.noOptDefVal,
    set: (v: string) => values.filters.set(name, v),
  }));

  const rawFilters: ObserveFlag[] = [
    flag(
      'Raw-Filters',
      'allowlist',
      undefined,
      'stringArray',
      'Specify allowlist as JSON encoded FlowFilters',
      (v) => (values.allowlist = [...(values.allowlist ?? []), v]),
    ),
    flag(
      'Raw-Filters',
      'denylist',
      undefined,
      'stringArray',
      'Specify denylist as JSON encoded FlowFilters',
      (v) => (values.denylist = [...(values.denylist ?? []), v]),
    ),
  ];

  const formatting: ObserveFlag[] = [
    flag(
      'Formatting',
      'output',
      'o',
      'string',
      `Specify the output format, one of:
  compact:  Compact output
  dict:     Each flow is shown as KEY:VALUE pair
  jsonpb:   JSON encoded GetFlowResponse according to proto3's JSON mapping
  json:     Alias for jsonpb
  table:    Tab-aligned columns`,
      (v) => (values.output = v),
      'compact',
    ),
    flag(
      'Formatting',
      'print-node-name',
      undefined,
      '',
      'Print node name in output',
      bool((b) => (values.printNodeName = b)),
    ),
    flag(
      'Formatting',
      'time-format',
      undefined,
      'string',
      TIME_FORMAT_HELP,
      (v) => (values.timeFormat = v),
      'StampMilli',
    ),
    flag(
      'Flow Format',
      'numeric',
      undefined,
      '',
      'Display all information in numeric form',
      bool((b) => (values.numeric = b)),
    ),
    flag(
      'Flow Format',
      'ip-translation',
      undefined,
      '',
      'Translate IP addresses to logical names such as pod name, FQDN, ...',
      bool((b) => (values.ipTranslation = b)),
      'true',
    ),
    flag(
      'Flow Format',
      'color',
      undefined,
      'string',
      "Colorize the output when the output format is one of 'compact' or 'dict'. The value is one of 'auto' (default), 'always' or 'never'",
      (v) => (values.color = v),
      'auto',
    ),
  ];

  const server: ObserveFlag[] = [
    flag(
      'Server',
      'server',
      undefined,
      'string',
      'Address of a Hubble server. Ignored when --input-file is provided.',
      (v) => {
        values.server = v;
        values.serverSet = true;
      },
      'localhost:4245',
    ),
    flag(
      'Server',
      'timeout',
      undefined,
      'duration',
      'Hubble server dialing timeout',
      (v) => (values.timeout = parseGoDuration(v)),
      '5s',
    ),
    flag(
      'Server',
      'tls',
      undefined,
      '',
      "Specify that TLS must be used when establishing a connection to a Hubble server.\nBy default, TLS is only enabled if the server address starts with 'tls://'.",
      bool((b) => (values.tls = b)),
    ),
    flag(
      'Server',
      'tls-allow-insecure',
      undefined,
      '',
      "Allows the client to skip verifying the server's certificate chain and host name.\nThis option is NOT recommended as, in this mode, TLS is susceptible to machine-in-the-middle attacks.\nSee also the 'tls-server-name' option which allows setting the server name.",
      bool((b) => (values.tlsAllowInsecure = b)),
    ),
    flag(
      'Server',
      'tls-ca-cert-files',
      undefined,
      'strings',
      'Paths to custom Certificate Authority (CA) certificate files.The files must contain PEM encoded data.',
      slice(
        () => values.tlsCaCertFiles,
        (v) => (values.tlsCaCertFiles = v),
      ),
    ),
    flag(
      'Server',
      'tls-client-cert-file',
      undefined,
      'string',
      'Path to the public key file for the client certificate to connect to a Hubble server (implies TLS).\nThe file must contain PEM encoded data.',
      (v) => (values.tlsClientCertFile = v),
    ),
    flag(
      'Server',
      'tls-client-key-file',
      undefined,
      'string',
      'Path to the private key file for the client certificate to connect a Hubble server (implies TLS).\nThe file must contain PEM encoded data.',
      (v) => (values.tlsClientKeyFile = v),
    ),
    flag(
      'Server',
      'tls-server-name',
      undefined,
      'string',
      "Specify a server name to verify the hostname on the returned certificate (eg: 'instance.hubble-relay.cilium.io').",
      (v) => (values.tlsServerName = v),
    ),
    flag(
      'Server',
      'basic-auth-username',
      undefined,
      'string',
      'Specify a username for basic auth',
      (v) => (values.basicAuthUsername = v),
    ),
    flag(
      'Server',
      'basic-auth-password',
      undefined,
      'string',
      'Specify a password for basic auth',
      (v) => (values.basicAuthPassword = v),
    ),
  ];

  const other: ObserveFlag[] = [
    flag(
      'Other',
      'experimental-field-mask',
      undefined,
      'strings',
      'Experimental: Comma-separated list of fields for mask. Fields not in the mask will be removed from server response.',
      slice(
        () => values.fieldMask,
        (v) => (values.fieldMask = v),
      ),
    ),
    flag(
      'Other',
      'experimental-use-default-field-masks',
      undefined,
      '',
      'Experimental: request only visible fields when the output format is compact, tab, or dict.',
      bool((b) => (values.useDefaultFieldMasks = b)),
    ),
    flag(
      'Other',
      'input-file',
      undefined,
      'stringArray',
      "Query flows from this file instead of the server. Use '-' to read from stdin. (flowlens: repeatable; globs and .gz files accepted; several files are merged in time order)",
      (v) => values.inputFiles.push(v),
    ),
    flag(
      'Other',
      'print-raw-filters',
      undefined,
      '',
      'Print allowlist/denylist filters and exit without sending the request to Hubble server',
      bool((b) => (values.printRawFilters = b)),
    ),
    flag(
      'Other',
      'silent-errors',
      's',
      '',
      'Silently ignores errors and warnings',
      bool((b) => (values.silentErrors = b)),
    ),
  ];

  const extensions: ObserveFlag[] = [
    flag(
      'flowlens',
      'stats',
      undefined,
      '',
      'Print counts of the selected flows by verdict, type and namespace instead of the flows (implies --all when no selector is given; -o json/jsonpb prints them as JSON)',
      bool((b) => (values.stats = b)),
    ),
  ];

  const global: ObserveFlag[] = [
    flag(
      'Global',
      'config',
      undefined,
      'string',
      'Optional config file (not read by flowlens observe)',
      (v) => (values.config = v),
    ),
    flag(
      'Global',
      'debug',
      'D',
      '',
      'Enable debug messages',
      bool((b) => (values.debug = b)),
    ),
    flag(
      'Global',
      'help',
      'h',
      '',
      'help for observe',
      bool((b) => (values.help = b)),
    ),
  ];

  return [
    ...selectors,
    ...filters,
    ...rawFilters,
    ...formatting,
    ...server,
    ...other,
    ...extensions,
    ...global,
  ];
}
