/**
 * `flowlens status` and `flowlens list`: against a server on an ephemeral loopback port, and the
 * exact bytes of each layout on hand-made responses (in the shape they have off the wire).
 *
 * The expected texts are those of the real hubble CLI v0.12.3, worked out from upstream's printer
 * and list commands and the outputs their tests expect (cilium/hubble pkg/printer, cmd/status,
 * cmd/list; later copies in cilium/cilium hubble/): each case names the upstream behaviour it
 * reproduces. Where upstream's test data is reused, v1.19-only parts (the FLOWS PER SECOND
 * column, `flows_rate`) are left out, as v0.12.3 prints neither.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeFromMillis } from '../../flow/index.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import { startTestObserver, type TestObserver } from '../../server/grpc/testing.js';
import { runList, runStatus, type StatusIO } from './status.js';
import {
  goDuration,
  goFixed,
  healthcheckLine,
  renderNamespaces,
  renderNodes,
  renderStatus,
  type NodeResponse,
  type StatusResponse,
} from './status-format.js';

const flags = (server: string, output: string) => ({ server, timeout: '5s', output });

function capture(env: Record<string, string> = {}): StatusIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env,
    out: () => out,
    err: () => err,
  };
}

let peer: TestObserver;
let addr = '';
let serving = true;
beforeAll(async () => {
  const history = new ArrayHistory();
  const time = timeFromMillis(Date.parse('2024-05-01T12:00:00Z'));
  history.append(
    Array.from({ length: 3 }, (_, i) => ({
      flow: { time, uuid: `u${i}`, node_name: 'node-a', verdict: 'FORWARDED' as const },
      node_name: 'node-a',
      time,
    })),
  );
  peer = await startTestObserver(history, {
    namespaces: () => [{ namespace: 'shop' }, { namespace: 'default' }],
    nodeName: 'node-a',
    address: () => '127.0.0.1:4245',
    startedAt: Date.now() - 65_000,
    serving: () => serving,
  });
  addr = peer.address;
});
afterAll(async () => {
  await peer.close();
});

describe('flowlens status', () => {
  it('prints the health check, then the flow counts, against a live server', async () => {
    const io = capture();
    expect(await runStatus(flags(addr, 'compact'), io), io.err()).toBe(0);
    expect(io.out()).toMatch(
      new RegExp(
        `^Healthcheck \\(via ${addr.replace(/\./g, '\\.')}\\): Ok\\n` +
          'Current/Max Flows: 3/[\\d,]+ \\(\\d+\\.\\d\\d%\\)\\n' +
          'Flows/s: \\d+\\.\\d\\d\\n' +
          'Connected Nodes: 1/1\\n$',
      ),
    );
    expect(io.err()).toBe('');
  });
  it('takes HUBBLE_SERVER, and prints the response as one line of protojson with -o json', async () => {
    const io = capture({ HUBBLE_SERVER: addr });
    expect(await runStatus({ timeout: '5s', output: 'json' }, io)).toBe(0);
    // No health check line outside compact output; uint64 fields as strings, proto names.
    expect(io.out()).toMatch(
      /^\{"num_flows":"3","max_flows":"\d+","seen_flows":"3","uptime_ns":"\d+","num_connected_nodes":1,"num_unavailable_nodes":0,"version":"flowlens v-test"\}\n$/,
    );
  });
  it('accepts every output name hubble status accepts', async () => {
    for (const output of ['dict', 'tab', 'table', 'JSON', 'jsonpb']) {
      const io = capture();
      expect(await runStatus(flags(addr, output), io), `${output}: ${io.err()}`).toBe(0);
      expect(io.out()).not.toMatch(/^Healthcheck/);
    }
  });
  it('says which server it could not reach, and rejects bad flags', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const io = capture();
    expect(await runStatus(flags(`127.0.0.1:${port}`, 'compact'), io)).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(
      new RegExp(`^failed to connect to '127\\.0\\.0\\.1:${port}': .*ECONNREFUSED.*\\n$`),
    );
    const bad = capture();
    expect(await runStatus(flags(addr, 'wide'), bad)).toBe(1);
    expect(bad.err()).toBe('invalid output format: wide\n');
    const timeout = capture();
    expect(await runStatus({ server: addr, timeout: '5 parsecs', output: 'compact' }, timeout)).toBe(1);
    expect(timeout.err()).toMatch(/^invalid --timeout: /);
  });
  it('reports an unhealthy server on stdout (compact only), then fails with "not healthy"', async () => {
    serving = false;
    try {
      const io = capture();
      expect(await runStatus(flags(addr, 'compact'), io)).toBe(1);
      expect(io.out()).toBe(`Healthcheck (via ${addr}): Unavailable: NOT_SERVING\n`);
      expect(io.err()).toBe('not healthy\n');
      const json = capture();
      expect(await runStatus(flags(addr, 'json'), json)).toBe(1);
      expect(json.out()).toBe('');
      expect(json.err()).toBe('not healthy\n');
    } finally {
      serving = true;
    }
  });
});

describe('hubble status layouts (v0.12.3)', () => {
  // Upstream's printer test data: an agent, and a relay with two connected nodes.
  const agent: StatusResponse = {
    num_flows: '2031',
    max_flows: '4095',
    seen_flows: '2348885',
    uptime_ns: '301515181665',
    version: 'cilium v1.15.0+g4145278',
    flows_rate: 23.456,
  };
  const relay: StatusResponse = {
    num_flows: '2771',
    max_flows: '8190',
    seen_flows: '2771',
    uptime_ns: '301515181665',
    version: 'hubble-relay v1.15.0+g4145278',
    num_connected_nodes: 2,
    num_unavailable_nodes: 0,
    flows_rate: 23.456,
  };

  it('health check line: the dialled target (no tls:// prefix), Ok or the serving status name', () => {
    // cmd/status: `Healthcheck (via <conn.Target()>): Ok` / `Unavailable: <ServingStatus>`;
    // hubble dials a tls:// address without its prefix. Unnamed statuses print as numbers.
    expect(healthcheckLine('tls://relay.example:443', 1)).toBe('Healthcheck (via relay.example:443): Ok\n');
    expect(healthcheckLine('localhost:4245', 2)).toBe(
      'Healthcheck (via localhost:4245): Unavailable: NOT_SERVING\n',
    );
    expect(healthcheckLine('localhost:4245', 3)).toBe(
      'Healthcheck (via localhost:4245): Unavailable: SERVICE_UNKNOWN\n',
    );
    expect(healthcheckLine('localhost:4245', 7)).toBe('Healthcheck (via localhost:4245): Unavailable: 7\n');
  });

  it('compact: grouped counts, %.2f ratio, and Flows/s from seen flows over uptime', () => {
    // Upstream "compact-without-flow-rate": v0.12.3 always divides seen flows by the uptime in
    // seconds and ignores flows_rate (v1.19 prints `Flows/s: 23.46` from it for this input).
    expect(renderStatus(agent, 'compact')).toBe(
      'Current/Max Flows: 2,031/4,095 (49.60%)\nFlows/s: 7790.27\n',
    );
    // Upstream "compact-with-nodes": both node counts set, so `Connected Nodes: c/c+u`; no
    // Unavailable Nodes section when there are none. 2771 / 301.515181665 s = 9.19.
    expect(renderStatus(relay, 'compact')).toBe(
      'Current/Max Flows: 2,771/8,190 (33.83%)\nFlows/s: 9.19\nConnected Nodes: 2/2\n',
    );
  });

  it('compact: a relay with unavailable nodes lists them sorted, and counts the ones not named', () => {
    // printer.go, compact: the unavailable names are sorted (Go byte order: `Node-b` before
    // `node-c`), one per `  - ` line, plus `and N more...` when the count exceeds the list.
    // 97/800 is exactly 12.125%: Go's %.2f rounds that half to even (12.12; toFixed says 12.13).
    const text = renderStatus(
      {
        num_flows: '97',
        max_flows: '800',
        seen_flows: '123456',
        uptime_ns: '10000000000',
        num_connected_nodes: 2,
        num_unavailable_nodes: 4,
        unavailable_nodes: ['node-z', 'node-c', 'Node-b'],
        version: 'hubble-relay v1.14.4',
        flows_rate: 99.5,
      },
      'compact',
    );
    expect(text).toBe(
      [
        'Current/Max Flows: 97/800 (12.12%)',
        'Flows/s: 12345.60',
        'Connected Nodes: 2/6',
        'Unavailable Nodes: 4',
        '  - Node-b',
        '  - node-c',
        '  - node-z',
        '  - and 1 more...',
        '',
      ].join('\n'),
    );
  });

  it('compact: what is printed when parts of the response are missing', () => {
    // No max flows: no ratio; no uptime: `Flows/s: N/A`; no node wrappers (an agent): no node lines.
    expect(renderStatus({}, 'compact')).toBe('Current/Max Flows: 0/0\nFlows/s: N/A\n');
    // 1 flow in 8 s is exactly 0.125/s: half to even gives 0.12.
    expect(renderStatus({ max_flows: '4095', seen_flows: '1', uptime_ns: '8000000000' }, 'compact')).toBe(
      'Current/Max Flows: 0/4,095 (0.00%)\nFlows/s: 0.12\n',
    );
    // Connected count without the unavailable wrapper: no total. Unavailable count without
    // names: the count alone.
    expect(renderStatus({ num_connected_nodes: 3 }, 'compact')).toBe(
      'Current/Max Flows: 0/0\nFlows/s: N/A\nConnected Nodes: 3\n',
    );
    expect(renderStatus({ num_connected_nodes: 1, num_unavailable_nodes: 2 }, 'compact')).toBe(
      'Current/Max Flows: 0/0\nFlows/s: N/A\nConnected Nodes: 1/3\nUnavailable Nodes: 2\n',
    );
  });

  it('table and dict: every count grouped, the uptime as a Go duration, N/A for unset node counts', () => {
    // Upstream "tabular" / "dict" expectations without v1.19's FLOWS PER SECOND column/line;
    // tabwriter: each column as wide as its widest cell + 3 spaces, the last column unpadded.
    expect(renderStatus(agent, 'table')).toBe(
      'NUM FLOWS   MAX FLOWS   SEEN FLOWS   UPTIME           NUM CONNECTED NODES   NUM UNAVAILABLE NODES   VERSION\n' +
        '2,031       4,095       2,348,885    5m1.515181665s   N/A                   N/A                     cilium v1.15.0+g4145278\n',
    );
    expect(renderStatus(relay, 'table')).toBe(
      'NUM FLOWS   MAX FLOWS   SEEN FLOWS   UPTIME           NUM CONNECTED NODES   NUM UNAVAILABLE NODES   VERSION\n' +
        '2,771       8,190       2,771        5m1.515181665s   2                     0                       hubble-relay v1.15.0+g4145278\n',
    );
    expect(renderStatus(agent, 'dict')).toBe(
      [
        '          NUM FLOWS: 2,031',
        '          MAX FLOWS: 4,095',
        '         SEEN FLOWS: 2,348,885',
        '             UPTIME: 5m1.515181665s',
        'NUM CONNECTED NODES: N/A',
        ' NUM UNAVAIL. NODES: N/A',
        '            VERSION: cilium v1.15.0+g4145278',
        '',
      ].join('\n'),
    );
    expect(renderStatus(relay, 'dict')).toContain('NUM CONNECTED NODES: 2\n NUM UNAVAIL. NODES: 0\n');
  });

  it('keeps uint64 values exact, and prints an uptime beyond int64 in nanoseconds', () => {
    // uint64Grouping works on the full uint64; formatDurationNS falls back to `<n>ns` past
    // MaxInt64; compact's time.Duration of such a value is negative, so Flows/s is N/A.
    const huge: StatusResponse = {
      num_flows: '9007199254740993',
      max_flows: '18446744073709551615',
      seen_flows: '18446744073709551615',
      uptime_ns: '9223372036854775808',
    };
    expect(renderStatus(huge, 'dict')).toBe(
      [
        '          NUM FLOWS: 9,007,199,254,740,993',
        '          MAX FLOWS: 18,446,744,073,709,551,615',
        '         SEEN FLOWS: 18,446,744,073,709,551,615',
        '             UPTIME: 9223372036854775808ns',
        'NUM CONNECTED NODES: N/A',
        ' NUM UNAVAIL. NODES: N/A',
        '            VERSION: ',
        '',
      ].join('\n'),
    );
    expect(renderStatus(huge, 'compact')).toBe(
      'Current/Max Flows: 9,007,199,254,740,993/18,446,744,073,709,551,615 (0.05%)\nFlows/s: N/A\n',
    );
    expect(renderStatus(huge, 'json')).toBe(
      '{"num_flows":"9007199254740993","max_flows":"18446744073709551615","seen_flows":"18446744073709551615","uptime_ns":"9223372036854775808"}\n',
    );
  });

  it('json: protojson with proto names in declaration order, one line; no flows_rate in v0.12.3', () => {
    // Upstream "json-with-nodes" without `"flows_rate":23.456`: v0.12.3's API has no such field,
    // so its encoder drops it. Wrappers are written even when 0; empty fields are left out.
    expect(renderStatus(relay, 'json')).toBe(
      '{"num_flows":"2771","max_flows":"8190","seen_flows":"2771","uptime_ns":"301515181665",' +
        '"num_connected_nodes":2,"num_unavailable_nodes":0,"version":"hubble-relay v1.15.0+g4145278"}\n',
    );
    // The unavailable list as sent (not sorted), and Go's HTML-safe escapes.
    expect(
      renderStatus({ num_unavailable_nodes: 2, unavailable_nodes: ['z', 'a<b>&c'], version: '' }, 'json'),
    ).toBe('{"num_unavailable_nodes":2,"unavailable_nodes":["z","a\\u003cb\\u003e\\u0026c"]}\n');
    expect(renderStatus({}, 'json')).toBe('{}\n');
  });
});

describe('flowlens list', () => {
  it('lists the nodes in a table, wide and as JSON, against a live server', async () => {
    const io = capture();
    expect(await runList('nodes', flags(addr, 'table'), io)).toBe(0);
    const [head, row, end] = io.out().split('\n');
    expect(head).toBe('NAME     STATUS      AGE    FLOWS/S   CURRENT/MAX-FLOWS');
    // `%d/%d (%6.2f%%)`: no digit grouping, the percentage padded to 6 characters.
    expect(row).toMatch(/^node-a   Connected   1m\ds   0\.0\d      3\/\d+ \( {2}\d\.\d\d%\)$/);
    expect(end).toBe('');
    const wide = capture();
    expect(await runList('nodes', flags(addr, 'wide'), wide)).toBe(0);
    expect(wide.out()).toMatch(
      / {3}VERSION {11}ADDRESS {10}TLS\n.* {3}flowlens v-test {3}127\.0\.0\.1:4245 {3}Disabled\n$/,
    );
    const json = capture();
    expect(await runList('nodes', flags(addr, 'json'), json)).toBe(0);
    expect(json.out()).toMatch(
      /^\[\n {2}\{\n {4}"name": "node-a",\n {4}"version": "flowlens v-test",\n {4}"address": "127\.0\.0\.1:4245",\n {4}"state": "NODE_CONNECTED",\n {4}"tls": \{\},\n {4}"uptime_ns": "\d+",\n {4}"num_flows": "3",\n {4}"max_flows": "\d+",\n {4}"seen_flows": "3"\n {2}\}\n\]\n$/,
    );
  });
  it('lists the namespaces in the order the server sends them', async () => {
    const io = capture();
    expect(await runList('namespaces', flags(addr, 'table'), io)).toBe(0);
    expect(io.out()).toBe('NAMESPACE\nshop\ndefault\n');
    const json = capture();
    expect(await runList('namespaces', flags(addr, 'json'), json)).toBe(0);
    expect(json.out()).toBe(
      '[\n  {\n    "namespace": "shop"\n  },\n  {\n    "namespace": "default"\n  }\n]\n',
    );
    const bad = capture();
    expect(await runList('namespaces', flags(addr, 'compact'), bad)).toBe(1);
    expect(bad.err()).toBe('unknown output format: compact\n');
  });
});

describe('hubble list layouts (v0.12.3)', () => {
  // Deliberately unsorted; a connected node, an unavailable one, and two edge cases.
  const nodes: NodeResponse[] = [
    { name: 'node-b', version: 'v1.14.4', address: '10.0.0.2:4244', state: 'NODE_UNAVAILABLE', tls: {} },
    {
      name: 'node-a',
      version: 'v1.14.4',
      address: '10.0.0.1:4244',
      state: 'NODE_CONNECTED',
      tls: { enabled: true, server_name: 'node-a.default.hubble-grpc.cilium.io' },
      uptime_ns: '3604500000000', // 1h0m4.5s: rounds (half up) to 1h0m5s
      num_flows: '4095',
      max_flows: '4095',
      seen_flows: '7210',
    },
    // 1.5 s rounds to 2 s, and FLOWS/S divides by the rounded value: 3 / 2 = 1.50.
    {
      name: 'Node-c',
      state: 'NODE_CONNECTED',
      uptime_ns: '1500000000',
      num_flows: '1',
      max_flows: '3',
      seen_flows: '3',
    },
    // 0.4 s rounds to 0: AGE and FLOWS/S are N/A, the ratio is still printed.
    { name: 'node-d', state: 'NODE_GONE', uptime_ns: '400000000', max_flows: '8190', seen_flows: '5' },
  ];

  it('table: sorted by name in byte order, title-cased state, rounded age, N/A where unknown', () => {
    // cmd/list/node.go: NAME STATUS AGE FLOWS/S CURRENT/MAX-FLOWS through tabwriter(2, 0, 3, ' ');
    // `%d/%d (%6.2f%%)` when max flows > 0, otherwise N/A.
    expect(renderNodes(nodes, 'table')).toBe(
      [
        'NAME     STATUS        AGE      FLOWS/S   CURRENT/MAX-FLOWS',
        'Node-c   Connected     2s       1.50      1/3 ( 33.33%)',
        'node-a   Connected     1h0m5s   2.00      4095/4095 (100.00%)',
        'node-b   Unavailable   N/A      N/A       N/A',
        'node-d   Gone          N/A      N/A       0/8190 (  0.00%)',
        '',
      ].join('\n'),
    );
  });

  it('wide: VERSION (N/A when empty), ADDRESS (blank when empty), TLS (N/A without a TLS message)', () => {
    expect(renderNodes(nodes, 'wide')).toBe(
      [
        'NAME     STATUS        AGE      FLOWS/S   CURRENT/MAX-FLOWS     VERSION   ADDRESS         TLS',
        'Node-c   Connected     2s       1.50      1/3 ( 33.33%)         N/A                       N/A',
        'node-a   Connected     1h0m5s   2.00      4095/4095 (100.00%)   v1.14.4   10.0.0.1:4244   Enabled',
        'node-b   Unavailable   N/A      N/A       N/A                   v1.14.4   10.0.0.2:4244   Disabled',
        'node-d   Gone          N/A      N/A       0/8190 (  0.00%)      N/A                       N/A',
        '',
      ].join('\n'),
    );
  });

  it("upstream's node test cases, table and wide", () => {
    // cmd/list/node_test.go "four nodes, connected, unavailable, and error", here in name order
    // as the command prints them, and "happy path empty nodes" (an empty node is Unknown).
    const upstream: NodeResponse[] = [
      {
        name: 'foo',
        version: '1',
        state: 'NODE_CONNECTED',
        uptime_ns: '1000000000000',
        num_flows: '500',
        max_flows: '1000',
        address: '1.2.3.4',
        tls: { enabled: true, server_name: 'foo.bar.tls' },
      },
      { name: 'bar', version: '2', state: 'NODE_UNAVAILABLE', address: '5.6.7.8' },
      { name: 'baz', version: '3', state: 'NODE_GONE' },
      { name: 'faz', version: '4', state: 'NODE_ERROR' },
    ];
    expect(renderNodes(upstream, 'wide')).toBe(
      'NAME   STATUS        AGE      FLOWS/S   CURRENT/MAX-FLOWS    VERSION   ADDRESS   TLS\n' +
        'bar    Unavailable   N/A      N/A       N/A                  2         5.6.7.8   N/A\n' +
        'baz    Gone          N/A      N/A       N/A                  3                   N/A\n' +
        'faz    Error         N/A      N/A       N/A                  4                   N/A\n' +
        'foo    Connected     16m40s   0.00      500/1000 ( 50.00%)   1         1.2.3.4   Enabled\n',
    );
    expect(renderNodes([{}], 'table')).toBe(
      'NAME   STATUS    AGE   FLOWS/S   CURRENT/MAX-FLOWS\n       Unknown   N/A   N/A       N/A\n',
    );
    expect(renderNodes([{}], 'wide')).toBe(
      'NAME   STATUS    AGE   FLOWS/S   CURRENT/MAX-FLOWS   VERSION   ADDRESS   TLS\n' +
        '       Unknown   N/A   N/A       N/A                 N/A                 N/A\n',
    );
  });

  it('json: json.MarshalIndent of the protojson nodes (2 spaces), sorted; null when there are none', () => {
    // Upstream's expected JSON: proto names in declaration order, uint64 as strings, enum names
    // (a number when unnamed), an empty node as {}, a set-but-empty TLS as {}; HTML-safe escapes.
    const text = renderNodes(
      [
        nodes[0],
        {
          name: 'foo',
          version: '1',
          state: 'NODE_CONNECTED',
          uptime_ns: '1000000000000',
          num_flows: '500',
          max_flows: '1000',
          address: '1.2.3.4',
          tls: { enabled: true, server_name: 'foo.bar.tls' },
        },
        { name: 'a<b>&c', state: 7 },
        {},
      ],
      'json',
    );
    expect(text).toBe(
      [
        '[',
        '  {},',
        '  {',
        '    "name": "a\\u003cb\\u003e\\u0026c",',
        '    "state": 7',
        '  },',
        '  {',
        '    "name": "foo",',
        '    "version": "1",',
        '    "address": "1.2.3.4",',
        '    "state": "NODE_CONNECTED",',
        '    "tls": {',
        '      "enabled": true,',
        '      "server_name": "foo.bar.tls"',
        '    },',
        '    "uptime_ns": "1000000000000",',
        '    "num_flows": "500",',
        '    "max_flows": "1000"',
        '  },',
        '  {',
        '    "name": "node-b",',
        '    "version": "v1.14.4",',
        '    "address": "10.0.0.2:4244",',
        '    "state": "NODE_UNAVAILABLE",',
        '    "tls": {}',
        '  }',
        ']',
        '',
      ].join('\n'),
    );
    // A response without nodes is a nil slice in Go, which MarshalIndent writes as null.
    expect(renderNodes([], 'json')).toBe('null\n');
  });

  it('shows control characters in server-supplied text as \\xHH (intended divergence)', () => {
    // v0.12.3 writes them raw; flowlens never lets them reach the terminal (printers/sanitize.ts).
    expect(renderNodes([{ name: 'evil\u001b[2J' }], 'table')).toBe(
      'NAME          STATUS    AGE   FLOWS/S   CURRENT/MAX-FLOWS\nevil\\x1b[2J   Unknown   N/A   N/A       N/A\n',
    );
  });

  it('namespaces: server order; wide adds CLUSTER only where there is one', () => {
    // cmd/list/namespaces.go: NAMESPACE, plus `\tCLUSTER` in wide output, where a row gets a
    // cluster cell only when the cluster is not empty. A row without one ends tabwriter's
    // column block, so the rows after it are aligned on their own (upstream's namespace tests
    // show the all-or-nothing cases: `NAMESPACE   CLUSTER\nfoo\nbar\n`).
    const ns = [
      { namespace: 'kube-system', cluster: 'c1' },
      { namespace: 'default' },
      { namespace: 'shop', cluster: 'cluster-two' },
      { namespace: 'a', cluster: 'c1' },
    ];
    expect(renderNamespaces(ns, 'table')).toBe('NAMESPACE\nkube-system\ndefault\nshop\na\n');
    expect(renderNamespaces(ns, 'wide')).toBe(
      'NAMESPACE     CLUSTER\nkube-system   c1\ndefault\nshop   cluster-two\na      c1\n',
    );
    expect(renderNamespaces([{ namespace: 'foo' }, { namespace: 'bar' }], 'wide')).toBe(
      'NAMESPACE   CLUSTER\nfoo\nbar\n',
    );
    // json: `cluster` before `namespace` (declaration order), empty fields left out.
    expect(renderNamespaces(ns.slice(0, 2), 'json')).toBe(
      '[\n  {\n    "cluster": "c1",\n    "namespace": "kube-system"\n  },\n  {\n    "namespace": "default"\n  }\n]\n',
    );
    expect(renderNamespaces([], 'json')).toBe('null\n');
    expect(renderNamespaces([], 'table')).toBe('NAMESPACE\n');
  });
});

describe('Go formatting rules the layouts rely on', () => {
  it("time.Duration's String", () => {
    expect(
      [
        0n,
        999n,
        1_500n,
        12_000_000n,
        1_000_000_000n,
        60_000_000_000n,
        3_600_000_000_000n,
        301_515_181_665n,
      ].map(goDuration),
    ).toEqual(['0s', '999ns', '1.5\u00b5s', '12ms', '1s', '1m0s', '1h0m0s', '5m1.515181665s']);
  });
  it('%.Nf rounds exact halves to even, other values to nearest', () => {
    expect([
      goFixed(0.125, 2),
      goFixed(0.375, 2),
      goFixed(2.5, 0),
      goFixed(3.5, 0),
      goFixed(2.675, 2),
    ]).toEqual([
      '0.12',
      '0.38',
      '2',
      '4',
      '2.67', // 2.675 is really 2.67499999...
    ]);
  });
});
