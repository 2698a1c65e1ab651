import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../flow/index.js';
import { Agent } from './agent.js';
import { buildDns } from './decode/dns.js';
import { buildNflog } from './decode/nflog.js';
import { LinkType, pcapGlobalHeader, pcapRecord } from './pcap/pcap-stream.js';
import { frame, ipPacket } from './testing/packets.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-agent-'));
const T0 = 1_700_000_000_000;

function writePcap(name: string, linkType: number, packets: Array<[number, Buffer]>): string {
  const p = join(dir, name);
  writeFileSync(
    p,
    Buffer.concat([pcapGlobalHeader(linkType), ...packets.map(([t, b]) => pcapRecord(b, T0 + t))]),
  );
  return p;
}

const topo = join(dir, 'topo.yaml');
writeFileSync(
  topo,
  `node: n1
pods:
  - { name: client, namespace: shop, ip: 10.244.1.10, labels: { app: frontend } }
  - { name: web, namespace: shop, ip: 10.244.1.11, labels: { app: web } }
  - { name: dns, namespace: kube-system, ip: 10.244.1.12 }
  - { name: backend, namespace: shop, ip: 10.244.1.13 }
`,
);

async function runAgent(
  opts: ConstructorParameters<typeof Agent>[0],
): Promise<{ events: FlowEvent[]; agent: Agent }> {
  const agent = new Agent({
    nodeName: 'n1',
    topologyFile: topo,
    ...opts,
    assembler: { uuids: false, ...opts?.assembler },
  });
  const events: FlowEvent[] = [];
  await agent.run(async (b) => void events.push(...b), new AbortController().signal);
  return { events, agent };
}

describe('Agent (offline pcap input)', () => {
  const traffic = writePcap('traffic.pcap', LinkType.EN10MB, [
    [
      0,
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.12',
        proto: 'udp',
        sport: 40001,
        dport: 53,
        payload: buildDns({ id: 1, questions: [{ name: 'nope.shop.svc.cluster.local', type: 1 }] }),
      }),
    ],
    [
      2,
      frame({
        src: '10.244.1.12',
        dst: '10.244.1.10',
        proto: 'udp',
        sport: 53,
        dport: 40001,
        payload: buildDns({
          id: 1,
          response: true,
          rcode: 3,
          questions: [{ name: 'nope.shop.svc.cluster.local', type: 1 }],
        }),
      }),
    ],
    [
      10,
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.11',
        proto: 'tcp',
        sport: 50000,
        dport: 80,
        flags: 'S',
        seq: 1,
      }),
    ],
    [
      11,
      frame({
        src: '10.244.1.11',
        dst: '10.244.1.10',
        proto: 'tcp',
        sport: 80,
        dport: 50000,
        flags: 'SA',
        seq: 100,
        ack: 2,
      }),
    ],
    [
      12,
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.11',
        proto: 'tcp',
        sport: 50000,
        dport: 80,
        flags: 'PA',
        seq: 2,
        payload: 'GET /ok HTTP/1.1\r\nHost: web\r\n\r\n',
      }),
    ],
    [
      15,
      frame({
        src: '10.244.1.11',
        dst: '10.244.1.10',
        proto: 'tcp',
        sport: 80,
        dport: 50000,
        flags: 'PA',
        seq: 101,
        payload: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n',
      }),
    ],
    [16, Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x00, 0x45, 0, 0, 40])])], // an IPv4 frame cut short
    [
      20,
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.13',
        proto: 'tcp',
        sport: 50001,
        dport: 8080,
        flags: 'S',
        seq: 1,
      }),
    ],
  ]);
  const nflog = writePcap('nflog.pcap', LinkType.NFLOG, [
    [
      20,
      buildNflog({
        group: 5,
        prefix: 'deny:in:shop/backend-ingress',
        payload: ipPacket({
          src: '10.244.1.10',
          dst: '10.244.1.13',
          proto: 'tcp',
          sport: 50001,
          dport: 8080,
          flags: 'S',
          seq: 1,
        }),
      }),
    ],
  ]);

  it('turns a traffic capture and an NFLOG capture into enriched, time-ordered Hubble flows', async () => {
    const { events, agent } = await runAgent({ readFiles: [traffic, nflog] });
    const flows = events.map((e) => e.flow!);
    const kinds = flows.map((f) =>
      f.l7
        ? `${f.l7.type} ${f.l7.dns ? `dns rcode=${f.l7.dns.rcode ?? 0}` : `http ${f.l7.http?.code ?? f.l7.http?.method}`}`
        : `${f.verdict} ${f.Summary}`,
    );
    expect(kinds).toEqual([
      'FORWARDED UDP',
      'REQUEST dns rcode=0',
      'FORWARDED UDP',
      'RESPONSE dns rcode=3',
      'FORWARDED TCP Flags: SYN',
      'FORWARDED TCP Flags: SYN, ACK',
      'REQUEST http GET',
      'RESPONSE http 200',
      'DROPPED TCP Flags: SYN',
    ]);
    expect(flows[3].l7?.latency_ns).toBe('2000000');
    expect(flows[7].l7?.latency_ns).toBe('3000000');
    expect(flows[8]).toMatchObject({
      drop_reason_desc: 'POLICY_DENIED',
      ingress_denied_by: [{ name: 'backend-ingress', namespace: 'shop' }],
      destination: { pod_name: 'backend' },
    });
    for (const e of events) expect(e.node_name).toBe('n1');
    const s = agent.stats();
    expect(s.decode).toMatchObject({ ok: 8, truncated: 1 });
    expect(s.losses).toMatchObject({ parseFailures: 1, queueOverflow: 0, kernelCaptureDrops: 0 });
    expect(s.assembler.dns).toMatchObject({ queries: 1, responses: 1, unmatchedResponses: 0 });
    expect(s.assembler.suppressedTraces).toBe(1);
    expect(s.ready).toBe(true);
  });

  it('counts queue overflow and reports it as a lost_events record', async () => {
    const { events, agent } = await runAgent({ readFiles: [traffic], queueSize: 2 });
    const lost = events.filter((e) => e.lost_events);
    expect(lost.length).toBeGreaterThan(0);
    for (const l of lost)
      expect(l.lost_events).toMatchObject({ source: 'OBSERVER_EVENTS_QUEUE', first: expect.any(String) });
    const n = lost.reduce((a, l) => a + Number(l.lost_events!.num_events_lost), 0);
    expect(n).toBeGreaterThan(0);
    expect(agent.stats().losses.queueOverflow).toBe(n);
    expect(events.filter((e) => e.flow)).toHaveLength(9 - n);
  });
});
