import { describe, expect, it } from 'vitest';
import type { Flow, FlowEvent } from '../../flow/index.js';
import { encodeEvent } from '../../flow/index.js';
import { buildDns } from '../decode/dns.js';
import { buildNflog, parseNflog } from '../decode/nflog.js';
import { decodeFrame, decodeIp, Packet } from '../decode/packet.js';
import { DnsNameCache } from '../enrich/dns-names.js';
import { parseTopology } from '../enrich/topology-file.js';
import { TopologyIndex } from '../enrich/topology.js';
import { LinkType } from '../pcap/pcap-stream.js';
import { frame, ipPacket, type FrameSpec } from '../testing/packets.js';
import { Assembler, type AssemblerOptions } from './assembler.js';

const TOPO = `
node: n1
namespaces: [{ name: shop }]
nodes: [{ name: n1, ips: [10.244.1.1] }]
pods:
  - { name: frontend-abc, namespace: shop, ip: 10.244.1.10, labels: { app: frontend }, workload: { kind: Deployment, name: frontend } }
  - { name: web-1, namespace: shop, ip: 10.244.1.11, labels: { app: web } }
  - { name: coredns-1, namespace: kube-system, ip: 10.244.1.12, labels: { k8s-app: kube-dns } }
  - { name: backend-1, namespace: shop, ip: 10.244.1.13, labels: { app: backend } }
`;

function setup(o: Partial<AssemblerOptions> = {}) {
  const topo = new TopologyIndex('n1');
  topo.replace(parseTopology(TOPO));
  const out: FlowEvent[] = [];
  const asm = new Assembler(topo, new DnsNameCache(), (ev) => out.push(ev), {
    nodeName: 'n1',
    delayMs: 100,
    uuids: false,
    ...o,
  });
  let t = 1_700_000_000_000;
  const p = new Packet();
  const send = (spec: FrameSpec, dtMs = 1) => {
    t += dtMs;
    const f = frame(spec);
    expect(decodeFrame(p, LinkType.EN10MB, f, 0, f.length)).toBe('ok');
    p.tsSec = Math.floor(t / 1000);
    p.tsNsec = (t % 1000) * 1e6;
    asm.packet(p);
  };
  const flows = (): Flow[] => {
    asm.flush(Number.MAX_SAFE_INTEGER, true);
    return out.map((e) => e.flow!).filter(Boolean);
  };
  return { asm, send, flows, now: () => t, out };
}

const tcp = (
  sport: number,
  dport: number,
  flags: string,
  src = '10.244.1.10',
  dst = '10.244.1.11',
  extra: Partial<FrameSpec> = {},
): FrameSpec => ({ src, dst, proto: 'tcp', sport, dport, flags, ...extra });

describe('Assembler: L3/L4', () => {
  it('marks replies from the TCP handshake and enriches both ends', () => {
    const { send, flows } = setup({ aggregation: 'none' });
    send(tcp(40000, 80, 'S'));
    send(tcp(80, 40000, 'SA', '10.244.1.11', '10.244.1.10'));
    send(tcp(40000, 80, 'A'));
    const f = flows();
    expect(f.map((x) => [x.is_reply, x.Summary, x.traffic_direction])).toEqual([
      [false, 'TCP Flags: SYN', 'INGRESS'],
      [true, 'TCP Flags: SYN, ACK', 'EGRESS'],
      [false, 'TCP Flags: ACK', 'INGRESS'],
    ]);
    expect(f[0].source).toMatchObject({
      namespace: 'shop',
      pod_name: 'frontend-abc',
      workloads: [{ name: 'frontend', kind: 'Deployment' }],
    });
    expect(f[0].destination?.labels).toContain('k8s:app=web');
    expect(f[0]).toMatchObject({
      verdict: 'FORWARDED',
      Type: 'L3_L4',
      event_type: { type: 4, sub_type: 0 },
      trace_observation_point: 'TO_ENDPOINT',
      node_name: 'n1',
    });
  });

  it('under medium aggregation reports first packets, flag changes and every RST only', () => {
    const { send, flows, asm } = setup();
    send(tcp(40000, 80, 'S'));
    send(tcp(80, 40000, 'SA', '10.244.1.11', '10.244.1.10'));
    for (let i = 0; i < 5; i++) send(tcp(40000, 80, 'PA'));
    send(tcp(40000, 80, 'FA'));
    send(tcp(80, 40000, 'R', '10.244.1.11', '10.244.1.10'));
    send(tcp(80, 40000, 'R', '10.244.1.11', '10.244.1.10'));
    expect(flows().map((x) => x.Summary)).toEqual([
      'TCP Flags: SYN',
      'TCP Flags: SYN, ACK',
      'TCP Flags: ACK, FIN',
      'TCP Flags: RST',
      'TCP Flags: RST',
    ]);
    expect(asm.counters.aggregated).toBe(5);
  });

  it('takes the lower port as the server for a connection joined mid-stream', () => {
    const { send, flows } = setup();
    send(tcp(80, 51000, 'A', '10.244.1.11', '10.244.1.10'));
    expect(flows()[0].is_reply).toBe(true);
  });

  it('gives ICMP echo replies is_reply and gopacket summaries', () => {
    const { send, flows } = setup();
    send({ src: '10.244.1.10', dst: '10.244.1.11', proto: 'icmp', icmpType: 8 });
    send({ src: '10.244.1.11', dst: '10.244.1.10', proto: 'icmp', icmpType: 0 });
    send({ src: '10.244.1.11', dst: '10.244.1.10', proto: 'icmp', icmpType: 3, icmpCode: 3 });
    expect(flows().map((x) => [x.is_reply, x.Summary])).toEqual([
      [false, 'ICMPv4 EchoRequest'],
      [true, 'ICMPv4 EchoReply'],
      [false, 'ICMPv4 DestinationUnreachable(Port)'],
    ]);
  });

  it('encodes flows as Hubble JSON lines', () => {
    const { send, out, asm } = setup();
    send(tcp(40000, 80, 'S'));
    asm.flush(Number.MAX_SAFE_INTEGER, true);
    const line = encodeEvent(out[0]);
    expect(line).toMatch(
      /^\{"flow":\{"time":"2023-11-14T22:13:20\.001Z","verdict":"FORWARDED","ethernet":\{.*"IP":\{"source":"10\.244\.1\.10","destination":"10\.244\.1\.11","ipVersion":"IPv4"\},"l4":\{"TCP":\{"source_port":40000,"destination_port":80,"flags":\{"SYN":true\}\}\}/,
    );
    expect(line).toMatch(/"node_name":"n1","time":"2023-11-14T22:13:20\.001Z"\}$/);
  });
});

describe('Assembler: DNS', () => {
  it('matches answers to queries (latency), fills rcode, ips, cnames, ttl and names for world IPs', () => {
    const { send, flows } = setup();
    const q = buildDns({ id: 77, questions: [{ name: 'www.partner.test', type: 1 }] });
    const a = buildDns({
      id: 77,
      response: true,
      questions: [{ name: 'www.partner.test', type: 1 }],
      answers: [
        { name: 'www.partner.test', type: 5, ttl: 300, data: 'api.partner.test' },
        { name: 'api.partner.test', type: 1, ttl: 30, data: '192.0.2.20' },
      ],
    });
    send({ src: '10.244.1.10', dst: '10.244.1.12', proto: 'udp', sport: 41000, dport: 53, payload: q });
    send({ src: '10.244.1.12', dst: '10.244.1.10', proto: 'udp', sport: 53, dport: 41000, payload: a }, 3);
    send(tcp(42000, 443, 'S', '10.244.1.10', '192.0.2.20'));
    const f = flows().filter((x) => x.Type === 'L7' || x.IP?.destination === '192.0.2.20');
    expect(f[0]).toMatchObject({
      Type: 'L7',
      l7: { type: 'REQUEST', dns: { query: 'www.partner.test.', qtypes: ['A'] } },
      is_reply: false,
      traffic_direction: 'EGRESS',
      Summary: 'DNS Query www.partner.test. A',
    });
    expect(f[1].l7).toEqual({
      type: 'RESPONSE',
      latency_ns: '3000000',
      dns: {
        query: 'www.partner.test.',
        ips: ['192.0.2.20'],
        ttl: 30,
        cnames: ['api.partner.test.'],
        qtypes: ['A'],
        rrtypes: ['CNAME', 'A'],
      },
    });
    expect(f[1].Summary).toBe(
      'DNS Answer "192.0.2.20" CNAMEs: "api.partner.test." TTL: 30 (Query www.partner.test. A)',
    );
    expect(f[1].source?.pod_name).toBe('coredns-1');
    expect(f[2].destination_names).toEqual(['api.partner.test', 'www.partner.test']);
    expect(f[2].destination).toEqual({ identity: 2, labels: ['reserved:world'] });
  });

  it('reports NXDOMAIN with Hubble’s summary and counts unmatched answers', () => {
    const { send, flows, asm } = setup();
    const a = buildDns({
      id: 5,
      response: true,
      rcode: 3,
      questions: [{ name: 'nope.shop.svc.cluster.local', type: 1 }],
    });
    send({ src: '10.244.1.12', dst: '10.244.1.10', proto: 'udp', sport: 53, dport: 41001, payload: a });
    const f = flows().find((x) => x.Type === 'L7')!;
    expect(f.Summary).toBe(
      'DNS Answer RCode: Non-Existent Domain TTL: 4294967295 (Query nope.shop.svc.cluster.local. A)',
    );
    expect(f.l7?.latency_ns).toBeUndefined();
    expect(asm.counters.dns.unmatchedResponses).toBe(1);
  });
});

describe('Assembler: HTTP', () => {
  it('emits request and response flows with method, URL, status and latency', () => {
    const { send, flows } = setup({ httpHeaders: false });
    send(tcp(40000, 80, 'S'));
    send(tcp(80, 40000, 'SA', '10.244.1.11', '10.244.1.10'));
    send(
      tcp(40000, 80, 'PA', undefined, undefined, {
        seq: 1001,
        payload: 'GET /boom HTTP/1.1\r\nHost: 10.244.1.11\r\nUser-Agent: curl/7.88\r\n\r\n',
      }),
    );
    send(
      tcp(80, 40000, 'PA', '10.244.1.11', '10.244.1.10', {
        seq: 5001,
        payload: 'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\nboom',
      }),
      7,
    );
    const l7 = flows().filter((x) => x.Type === 'L7');
    expect(
      l7.map((x) => [x.l7?.type, x.l7?.http, x.l7?.latency_ns, x.is_reply, x.traffic_direction, x.Summary]),
    ).toEqual([
      [
        'REQUEST',
        { method: 'GET', url: 'http://10.244.1.11/boom', protocol: 'HTTP/1.1' },
        undefined,
        false,
        'INGRESS',
        'HTTP/1.1 GET http://10.244.1.11/boom',
      ],
      [
        'RESPONSE',
        { code: 500, method: 'GET', url: 'http://10.244.1.11/boom', protocol: 'HTTP/1.1' },
        '7000000',
        true,
        'INGRESS',
        'HTTP/1.1 500 7ms (GET http://10.244.1.11/boom)',
      ],
    ]);
  });
});

describe('Assembler: policy drops', () => {
  function nflogPacket(prefix: string) {
    const rec = buildNflog({
      group: 5,
      prefix,
      payload: ipPacket(tcp(40000, 8080, 'S', '10.244.1.10', '10.244.1.13')),
    });
    const r = parseNflog(rec, 0, rec.length)!;
    const p = new Packet();
    p.reset();
    p.data = rec;
    decodeIp(p, rec, r.payloadOff, r.payloadOff + r.payloadLen);
    return { r, p };
  }

  it.each([
    ['after', true],
    ['before', false],
  ])('replaces the trace of the dropped packet when the drop arrives %s it', (_w, traceFirst) => {
    const { send, flows, asm, now } = setup();
    const { r, p } = nflogPacket('deny:in:shop/backend-ingress');
    const drop = () => {
      p.tsSec = Math.floor(now() / 1000);
      p.tsNsec = (now() % 1000) * 1e6;
      asm.nflog(r, p);
    };
    if (!traceFirst) drop();
    send(tcp(40000, 8080, 'S', '10.244.1.10', '10.244.1.13'));
    if (traceFirst) drop();
    const f = flows();
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      verdict: 'DROPPED',
      drop_reason: 133,
      drop_reason_desc: 'POLICY_DENIED',
      event_type: { type: 1, sub_type: 133 },
      traffic_direction: 'INGRESS',
      ingress_denied_by: [{ name: 'backend-ingress', namespace: 'shop', kind: 'NetworkPolicy' }],
      Summary: 'TCP Flags: SYN',
    });
    expect(f[0].destination?.pod_name).toBe('backend-1');
    expect(asm.counters.suppressedTraces).toBe(1);
  });
});

describe('Assembler: kernel drops', () => {
  it('maps a kernel reason to Hubble’s and says when there is no equivalent', () => {
    const { asm, flows } = setup();
    const ev = {
      comm: 'x',
      pid: 1,
      cpu: 0,
      traceTs: 1,
      protocol: 2048,
      location: 'f+0x1/0x2',
      function: 'f',
      reason: 'NETFILTER_DROP',
    };
    asm.kernelDrop(ev, 1_700_000_000_000, false);
    asm.kernelDrop({ ...ev, reason: 'NO_SOCKET', function: 'tcp_v4_rcv' }, 1_700_000_000_001, false);
    asm.kernelDrop({ ...ev, reason: 'SOCKET_CLOSE' }, 1_700_000_000_002, false);
    const f = flows();
    expect(f.map((x) => [x.drop_reason_desc, x.drop_reason, x.Summary])).toEqual([
      ['POLICY_DENIED', 133, 'Kernel drop NETFILTER_DROP at f'],
      [undefined, undefined, 'Kernel drop NO_SOCKET at tcp_v4_rcv (no Hubble equivalent)'],
    ]);
    expect(asm.counters.kernelDropsNotEmitted).toBe(1);
  });
});
