/**
 * `flowlens status` and `flowlens list`: against a server on an ephemeral loopback port, and the
 * layouts on hand-made ServerStatus and node records.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeFromMillis } from '../../flow/index.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import { startTestObserver, type TestObserver } from '../../server/grpc/testing.js';
import { goSeconds, renderNodes, renderStatus, runList, runStatus, type StatusIO } from './status.js';

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
  it("prints the health check and the server's flow counts", async () => {
    const io = capture();
    expect(await runStatus(flags(addr, 'compact'), io), io.err()).toBe(0);
    const lines = io.out().split('\n');
    expect(lines[0]).toBe(`Healthcheck (via ${addr}): Ok`);
    expect(lines[1]).toMatch(/^Current\/Max Flows: 3\/[\d,]+ \(\d+\.\d\d%\)$/);
    expect(lines[2]).toMatch(/^Flows\/s: \d+\.\d\d$/);
    expect(io.err()).toBe('');
  });
  it('takes HUBBLE_SERVER, and prints JSON with -o json', async () => {
    const io = capture({ HUBBLE_SERVER: addr });
    expect(await runStatus({ timeout: '5s', output: 'json' }, io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ numFlows: 3, seenFlows: 3, version: 'flowlens v-test' });
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
    expect(await runStatus(flags(addr, 'table'), bad)).toBe(1);
    expect(bad.err()).toBe('invalid output format: table (expected compact, json)\n');
    const timeout = capture();
    expect(await runStatus({ server: addr, timeout: '5 parsecs', output: 'compact' }, timeout)).toBe(1);
    expect(timeout.err()).toMatch(/^invalid --timeout: /);
  });
  it('fails when the server reports that it is not serving', async () => {
    serving = false;
    try {
      const io = capture();
      expect(await runStatus(flags(addr, 'compact'), io)).toBe(1);
      expect(io.err()).toBe(`Healthcheck (via ${addr}): not serving (status 2)\n`);
    } finally {
      serving = true;
    }
  });
  it('lays out a relay status with unavailable nodes as hubble does', () => {
    const text = renderStatus('relay:4245', {
      numFlows: 8190,
      maxFlows: 8190,
      seenFlows: 123_456,
      uptimeNs: 10e9,
      numConnectedNodes: 2,
      numUnavailableNodes: 1,
      unavailableNodes: ['node-c'],
      version: 'v',
      flowsRate: 0,
    });
    expect(text).toBe(
      [
        'Healthcheck (via relay:4245): Ok',
        'Current/Max Flows: 8,190/8,190 (100.00%)',
        'Flows/s: 12345.60',
        'Connected Nodes: 2/3',
        'Unavailable Nodes: 1',
        '  - node-c',
        '',
      ].join('\n'),
    );
  });
});

describe('flowlens list', () => {
  it('lists the nodes in a table, wide and as JSON', async () => {
    const io = capture();
    expect(await runList('nodes', flags(addr, 'table'), io)).toBe(0);
    const [head, row, end] = io.out().split('\n');
    expect(head).toMatch(/^NAME {3,}STATUS {3,}AGE {3,}FLOWS\/S {3,}CURRENT\/MAX-FLOWS$/);
    expect(row).toMatch(/^node-a {3,}Connected {3,}1m\ds {3,}\d+\.\d\d {3,}3\/[\d,]+ \( {2}\d\.\d\d%\)$/);
    expect(end).toBe('');
    const wide = capture();
    expect(await runList('nodes', flags(addr, 'wide'), wide)).toBe(0);
    expect(wide.out()).toMatch(
      /VERSION {3,}ADDRESS {3,}TLS\n.*flowlens v-test {3,}127\.0\.0\.1:4245 {3,}Disabled\n$/,
    );
    const json = capture();
    expect(await runList('nodes', flags(addr, 'json'), json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject([{ name: 'node-a', state: 'NODE_CONNECTED', numFlows: 3 }]);
  });
  it('lists the namespaces, sorted', async () => {
    const io = capture();
    expect(await runList('namespaces', flags(addr, 'table'), io)).toBe(0);
    expect(io.out()).toBe('NAMESPACE\ndefault\nshop\n');
  });
  it('names every node state and leaves N/A where the node has no uptime', () => {
    const text = renderNodes(
      [
        { name: 'b', state: 'NODE_UNAVAILABLE' },
        { name: 'a', state: 'NODE_GONE', uptimeNs: 3_725e9, seenFlows: 3_725, numFlows: 10, maxFlows: 40 },
      ],
      false,
    );
    expect(text.split('\n')).toEqual([
      'NAME   STATUS        AGE      FLOWS/S   CURRENT/MAX-FLOWS',
      'a      Gone          1h2m5s   1.00      10/40 ( 25.00%)',
      'b      Unavailable   N/A      N/A       0/0',
      '',
    ]);
    expect([goSeconds(0), goSeconds(59.9), goSeconds(60), goSeconds(3600)]).toEqual([
      '0s',
      '59s',
      '1m0s',
      '1h0m0s',
    ]);
  });
});
