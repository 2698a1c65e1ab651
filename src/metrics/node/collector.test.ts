import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFamilies } from '../exposition/render.js';
import { seriesOf, total } from '../testing/fixtures.js';
import { NodeCollector } from './collector.js';
import { countSockets, parseNetDev, parseSnmp, summarizeTcp } from './procfs.js';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    3193      29    0    0    0     0          0         0     3193      29    0    0    0     0       0          0
  eth0: 1000000    2000    1    7    3     0          0         5   500000     900    0    2    0     0       0          0
`;
const SNMP = `Ip: Forwarding DefaultTTL
Ip: 2 64
Tcp: RtoAlgorithm RtoMin ActiveOpens EstabResets CurrEstab OutRsts
Tcp: 1 200 79 4 2 138
Udp: InDatagrams NoPorts InErrors
Udp: 52 1 0
`;
const NETSTAT = `TcpExt: SyncookiesSent TCPTimeouts TCPTSReorder
TcpExt: 0 11 3
IpExt: InNoRoutes InOctets
IpExt: 0 123456
`;
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1065 1 0 100 0 0 10 0
   1: 0100007F:07E8 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 1066 1 0 100 0 0 10 0
   2: 0F02000A:01BB 0A02000A:D431 06 00000000:00000000 00:00000000 00000000     0        0 0 1 0 100 0 0 10 0
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
`;
const UDP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  1: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0 0
  2: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0 0
`;

describe('procfs parsers', () => {
  it('parses /proc/net/dev columns by interface', () => {
    const dev = parseNetDev(NET_DEV);
    expect([...dev.keys()]).toEqual(['lo', 'eth0']);
    expect(Object.fromEntries(dev.get('eth0')!)).toMatchObject({
      rx_bytes: 1000000,
      rx_packets: 2000,
      rx_errors: 1,
      rx_dropped: 7,
      rx_fifo_errors: 3,
      multicast: 5,
      tx_packets: 900,
      tx_dropped: 2,
    });
  });
  it('parses snmp/netstat header and value line pairs', () => {
    const s = parseSnmp(SNMP);
    expect(s.get('Tcp')!.get('OutRsts')).toBe(138);
    expect(s.get('Udp')!.get('NoPorts')).toBe(1);
    expect(parseSnmp(NETSTAT).get('TcpExt')!.get('TCPTimeouts')).toBe(11);
  });
  it('summarizes TCP sockets by state and counts remote addresses', () => {
    const sum = summarizeTcp([TCP, TCP6]);
    expect(Object.fromEntries(sum.states)).toEqual({ LISTEN: 2, ESTABLISHED: 1, TIME_WAIT: 1 });
    expect(sum.withRemote).toBe(2);
    expect(countSockets([UDP])).toBe(2);
  });
});

describe('node collector', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'flowlens-procfs-'));
    mkdirSync(join(root, 'proc/net'), { recursive: true });
    mkdirSync(join(root, 'sys/class/net/eth0/statistics'), { recursive: true });
    for (const [f, t] of Object.entries({
      dev: NET_DEV,
      snmp: SNMP,
      netstat: NETSTAT,
      tcp: TCP,
      tcp6: TCP6,
      udp: UDP,
    }))
      writeFileSync(join(root, 'proc/net', f), t);
    writeFileSync(join(root, 'sys/class/net/eth0/statistics/rx_missed_errors'), '4\n');
    writeFileSync(join(root, 'sys/class/net/eth0/statistics/rx_packets'), '99999\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exposes Retina node-level families from /proc and /sys', () => {
    const clock = { now: 0 };
    const c = new NodeCollector(clock, {
      procRoot: join(root, 'proc'),
      sysRoot: join(root, 'sys'),
      minIntervalMs: 1000,
    });
    c.collect();
    const text = renderFamilies(c.families, 'prometheus');
    expect(
      total(text, 'networkobservability_interface_stats', {
        interface_name: 'eth0',
        statistic_name: 'rx_dropped',
      }),
    ).toBe(7);
    // /proc/net/dev wins over /sys for the same counter; /sys adds the ones /proc lacks.
    expect(
      total(text, 'networkobservability_interface_stats', {
        interface_name: 'eth0',
        statistic_name: 'rx_packets',
      }),
    ).toBe(2000);
    expect(
      total(text, 'networkobservability_interface_stats', {
        interface_name: 'eth0',
        statistic_name: 'rx_missed_errors',
      }),
    ).toBe(4);
    expect(seriesOf(text, 'networkobservability_tcp_state')).toEqual([
      '{state="ESTABLISHED"} 1',
      '{state="LISTEN"} 2',
      '{state="TIME_WAIT"} 1',
    ]);
    expect(seriesOf(text, 'networkobservability_tcp_connection_remote')).toEqual(['{address="AllIPs"} 2']);
    expect(total(text, 'networkobservability_tcp_connection_stats', { statistic_name: 'TCPTimeouts' })).toBe(
      11,
    );
    expect(total(text, 'networkobservability_tcp_connection_stats', { statistic_name: 'OutRsts' })).toBe(138);
    expect(total(text, 'networkobservability_ip_connection_stats', { statistic_name: 'InOctets' })).toBe(
      123456,
    );
    expect(total(text, 'networkobservability_udp_connection_stats', { statistic_name: 'ACTIVE' })).toBe(2);
    expect(text).toContain('# TYPE networkobservability_tcp_state gauge');
  });

  it('reads at most once per interval and leaves families empty without procfs', () => {
    const clock = { now: 0 };
    const c = new NodeCollector(clock, {
      procRoot: join(root, 'missing'),
      sysRoot: join(root, 'missing'),
      minIntervalMs: 1000,
    });
    c.collect();
    expect(renderFamilies(c.families, 'prometheus')).toBe('');
  });
});
