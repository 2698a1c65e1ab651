/**
 * Agent throughput and CPU.
 *
 * 1. Offline: the decode path alone (pcap parser → decoders → assembler → JSON encoding) on a
 *    synthetic capture of short HTTP connections, DNS lookups and bulk UDP, in both aggregation
 *    modes: packets/s and CPU µs per packet.
 * 2. Live (root; `--live`): a UDP flood through the lab's bridge captured by `flowlens agent` in
 *    the lab's node namespace: packets/s seen, the kernel drops libpcap reports, and the CPU of
 *    the agent and its tcpdump children. The flood comes from trafgen (Debian package
 *    netsniff-ng: `apt-get install netsniff-ng`) at FLOOD_PPS (default 120,000) packets/s into a
 *    UDP sink on web (FLOOD_SINK=0: to a closed port); without trafgen from iperf3 or a Node
 *    sender, which reach only about 50k packets/s on these machines.
 *
 *   npx tsx bench/agent.ts            # offline only
 *   npx tsx bench/agent.ts --live     # offline, then the live lab run (root, test/lab/run.sh packages + iperf3)
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Assembler } from '../src/agent/flows/assembler.js';
import { DnsNameCache } from '../src/agent/enrich/dns-names.js';
import { parseTopology } from '../src/agent/enrich/topology-file.js';
import { TopologyIndex } from '../src/agent/enrich/topology.js';
import { buildDns } from '../src/agent/decode/dns.js';
import { decodeFrame, Packet } from '../src/agent/decode/packet.js';
import { LinkType, PcapStreamParser, pcapGlobalHeader, pcapRecord } from '../src/agent/pcap/pcap-stream.js';
import { frame } from '../src/agent/testing/packets.js';
import { encodeEvent } from '../src/flow/index.js';
import { Lab } from '../src/lab/lab.js';
import { startAgent, stopAgent } from '../src/lab/run.js';
import { shIn } from '../src/lab/stories.js';

const TOPO = `node: n1
pods:
  - { name: client, namespace: shop, ip: 10.244.1.10, labels: { app: frontend } }
  - { name: web, namespace: shop, ip: 10.244.1.11, labels: { app: web } }
  - { name: dns, namespace: kube-system, ip: 10.244.1.12 }
`;

/** A capture of `conns` HTTP connections (10 packets each), DNS lookups and bulk UDP packets. */
function synthetic(conns: number): { pcap: Buffer; packets: number } {
  const recs: Buffer[] = [pcapGlobalHeader(LinkType.EN10MB, 1024)];
  let t = 1_700_000_000_000;
  let n = 0;
  const add = (b: Buffer) => {
    recs.push(pcapRecord(b, (t += 0.01)));
    n++;
  };
  const c = '10.244.1.10';
  const s = '10.244.1.11';
  for (let i = 0; i < conns; i++) {
    const sp = 20000 + (i % 40000);
    const seq = 1000;
    add(
      frame({
        src: c,
        dst: '10.244.1.12',
        proto: 'udp',
        sport: sp,
        dport: 53,
        payload: buildDns({ id: i & 0xffff, questions: [{ name: 'web.shop.svc.cluster.local', type: 1 }] }),
      }),
    );
    add(
      frame({
        src: '10.244.1.12',
        dst: c,
        proto: 'udp',
        sport: 53,
        dport: sp,
        payload: buildDns({
          id: i & 0xffff,
          response: true,
          questions: [{ name: 'web.shop.svc.cluster.local', type: 1 }],
          answers: [{ name: 'web.shop.svc.cluster.local', type: 1, ttl: 30, data: s }],
        }),
      }),
    );
    add(frame({ src: c, dst: s, proto: 'tcp', sport: sp, dport: 80, flags: 'S', seq }));
    add(frame({ src: s, dst: c, proto: 'tcp', sport: 80, dport: sp, flags: 'SA', seq: 5000, ack: seq + 1 }));
    add(frame({ src: c, dst: s, proto: 'tcp', sport: sp, dport: 80, flags: 'A', seq: seq + 1 }));
    const req = 'GET /ok HTTP/1.1\r\nHost: web\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n';
    add(
      frame({ src: c, dst: s, proto: 'tcp', sport: sp, dport: 80, flags: 'PA', seq: seq + 1, payload: req }),
    );
    add(
      frame({
        src: s,
        dst: c,
        proto: 'tcp',
        sport: 80,
        dport: sp,
        flags: 'PA',
        seq: 5001,
        payload: 'HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 3\r\n\r\nok\n',
      }),
    );
    add(
      frame({ src: c, dst: s, proto: 'tcp', sport: sp, dport: 80, flags: 'FA', seq: seq + 1 + req.length }),
    );
    add(frame({ src: s, dst: c, proto: 'tcp', sport: 80, dport: sp, flags: 'FA', seq: 5040 }));
    add(frame({ src: c, dst: s, proto: 'tcp', sport: sp, dport: 80, flags: 'A', seq: seq + 2 + req.length }));
    for (let k = 0; k < 10; k++)
      add(frame({ src: c, dst: s, proto: 'udp', sport: 40000, dport: 5201, payload: Buffer.alloc(18) }));
  }
  return { pcap: Buffer.concat(recs), packets: n };
}

/** Long-lived traffic: 100 TCP connections and 100 UDP streams, data packets only after the handshake. */
function bulk(packets: number): { pcap: Buffer; packets: number } {
  const recs: Buffer[] = [pcapGlobalHeader(LinkType.EN10MB, 1024)];
  let t = 1_700_000_000_000;
  const frames: Buffer[] = [];
  for (let i = 0; i < 100; i++) {
    frames.push(
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.11',
        proto: 'tcp',
        sport: 30000 + i,
        dport: 8080,
        flags: 'PA',
        seq: 1,
        payload: Buffer.alloc(200),
      }),
    );
    frames.push(
      frame({
        src: '10.244.1.11',
        dst: '10.244.1.10',
        proto: 'tcp',
        sport: 8080,
        dport: 30000 + i,
        flags: 'A',
        seq: 1,
      }),
    );
    frames.push(
      frame({
        src: '10.244.1.10',
        dst: '10.244.1.11',
        proto: 'udp',
        sport: 40000 + i,
        dport: 5201,
        payload: Buffer.alloc(18),
      }),
    );
  }
  for (let n = 0; n < packets; n++) recs.push(pcapRecord(frames[n % frames.length], (t += 0.01)));
  return { pcap: Buffer.concat(recs), packets };
}

function offline(aggregation: 'medium' | 'none', pcap: Buffer, packets: number, label: string): void {
  const topo = new TopologyIndex('n1');
  topo.replace(parseTopology(TOPO));
  let flows = 0;
  let bytes = 0;
  const asm = new Assembler(
    topo,
    new DnsNameCache(),
    (ev) => {
      flows++;
      bytes += encodeEvent(ev, 'full').length + 1;
    },
    { nodeName: 'n1', aggregation },
  );
  const p = new Packet();
  const parser = new PcapStreamParser((d, off, cap, _o, sec, nsec) => {
    if (decodeFrame(p, LinkType.EN10MB, d, off, cap) !== 'ok') return;
    p.tsSec = sec;
    p.tsNsec = nsec;
    asm.packet(p);
  });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let lastMs = 0;
  const parser2 = parser;
  for (let o = 0; o < pcap.length; o += 65536) {
    parser2.push(pcap.subarray(o, o + 65536));
    // The clock of an offline run is the capture's: flush what is older than the hold window.
    lastMs = p.tsSec * 1000 + p.tsNsec / 1e6;
    asm.flush(lastMs);
  }
  asm.flush(Number.MAX_SAFE_INTEGER, true);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  console.log(
    `offline ${label.padEnd(17)} aggregation=${aggregation.padEnd(6)} ${packets.toLocaleString('en-US')} packets in ${s.toFixed(2)} s = ${Math.round(packets / s).toLocaleString('en-US')} packets/s, ` +
      `${((cpuS / packets) * 1e6).toFixed(2)} µs CPU/packet, ${flows.toLocaleString('en-US')} flows (${(bytes / 1e6).toFixed(0)} MB JSON)`,
  );
}

/** CPU seconds (user+system) of a process and its descendants, from /proc. */
function treeCpu(pid: number, byName?: Map<string, number>): number {
  const hz = 100;
  let total = 0;
  const visit = (p: number) => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(f[11]) + Number(f[12])) / hz;
      total += cpu;
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      byName?.set(name, (byName.get(name) ?? 0) + cpu);
      for (const t of readFileSync(`/proc/${p}/task/${p}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean))
        visit(Number(t));
    } catch {
      // exited
    }
  };
  visit(pid);
  return total;
}

/** One flood through the lab with the agent capturing; prints packets/s, kernel drops and CPU. */
async function flood(lab: Lab, seconds: number, label: string, agentArgs: string[]): Promise<void> {
  const dir = lab.state.dir;
  const out = {
    flows: join(dir, `flows-${label}.jsonl`),
    status: join(dir, `status-${label}.json`),
    log: join(dir, `agent-${label}.log`),
  };
  const cli = {
    command: process.execPath,
    args: ['--import', 'tsx', join(import.meta.dirname, '../test/lab/flowlens.ts')],
  };
  // startAgent adds the lab's NFLOG group, kernel drops and conntrack; `capture-only` strips them.
  const agent = await startAgent(lab, cli, out, ['--quiet', ...agentArgs]);
  const web = lab.pod('web1');
  const haveIperf = spawnSync('sh', ['-c', 'command -v iperf3']).status === 0;
  // trafgen (Debian netsniff-ng) sends from a packet-mmap ring: one core makes far more than
  // 100k packets/s, where iperf3 and Node senders top out near 50k here (they share the two
  // cores with the kernel, tcpdump and the agent).
  const haveTrafgen = spawnSync('sh', ['-c', 'command -v trafgen']).status === 0;
  const read = () =>
    JSON.parse(readFileSync(out.status, 'utf8')) as {
      assembler: { packets: number };
      captures: Array<{ input: string; captured: number; droppedByKernel: number }>;
      flows: { emitted: number };
      kernelDropReasons: Record<string, number>;
    };
  const before = new Map<string, number>();
  const cpu0 = treeCpu(agent.pid!, before);
  const p0 = read().assembler.packets;
  const t0 = Date.now();
  let generator = haveIperf ? 'iperf3 -u -l 64' : 'node dgram sender';
  if (haveTrafgen) {
    const client = lab.pod('client');
    const mac = (ns: string) =>
      /link\/ether ([0-9a-f:]{17})/.exec(
        spawnSync('ip', ['-n', ns, 'link', 'show', 'eth0'], { encoding: 'utf8' }).stdout,
      )![1];
    // client and web share the bridge's subnet: frames go straight to web's MAC, as after ARP.
    const da = mac(web.ns);
    const conf = join(dir, 'trafgen.cfg');
    writeFileSync(
      conf,
      `{ eth(da=${da}, sa=${mac(client.ns)}), ipv4(saddr=${client.ip}, daddr=${web.ip}, ttl=64), udp(sp=40000, dp=9), fill(0x00, 18) }\n`,
    );
    const rate = Number(process.env.FLOOD_PPS ?? 120_000);
    // A UDP sink on web, so packets are delivered as in real traffic (without it every packet
    // is a kernel NO_SOCKET drop: set FLOOD_SINK=0 for that worst case).
    const sink =
      process.env.FLOOD_SINK === '0'
        ? undefined
        : spawn('ip', ['netns', 'exec', web.ns, 'nc', '-u', '-l', '-k', web.ip, '9'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    generator = `trafgen ${rate.toLocaleString('en-US')} packets/s`;
    await shIn(
      client.ns,
      `trafgen --in ${conf} --out eth0 --cpus 1 --rate ${rate}pps --num ${rate * seconds} >/dev/null 2>&1`,
      (seconds + 30) * 1000,
    );
    sink?.kill();
    if (!sink) generator += ' to a closed port';
  } else if (haveIperf) {
    const srv = spawn('ip', ['netns', 'exec', web.ns, 'iperf3', '-s', '-1', '-B', web.ip], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 500));
    await shIn(
      lab.pod('client').ns,
      `iperf3 -c ${web.ip} -u -b 0 -l 64 -t ${seconds} >/dev/null`,
      (seconds + 20) * 1000,
    );
    srv.kill();
  } else {
    const js =
      `const d=require('dgram').createSocket('udp4');const b=Buffer.alloc(18);const end=Date.now()+${seconds * 1000};` +
      `function go(){for(let i=0;i<200;i++)d.send(b,9,'${web.ip}');if(Date.now()<end)setImmediate(go);else d.close();}go();`;
    await shIn(lab.pod('client').ns, `${process.execPath} -e "${js}"`, (seconds + 20) * 1000);
  }
  await new Promise((r) => setTimeout(r, 1500));
  const after = new Map<string, number>();
  const cpu = treeCpu(agent.pid!, after) - cpu0;
  for (const [k, v] of before) after.set(k, (after.get(k) ?? 0) - v);
  const wall = (Date.now() - t0) / 1000;
  await stopAgent(agent);
  const fin = read();
  const pk = fin.assembler.packets - p0;
  const br = fin.captures.find((c) => c.input === lab.state.bridge)!;
  const us = (cpu / Math.max(1, pk)) * 1e6;
  console.log(
    `live ${label.padEnd(13)} (${generator}, ${seconds} s): ${pk.toLocaleString('en-US')} packets = ${Math.round(pk / seconds).toLocaleString('en-US')} packets/s; ` +
      `kernel drops ${br.droppedByKernel.toLocaleString('en-US')}; agent+children CPU ${cpu.toFixed(2)} s in ${wall.toFixed(1)} s (${us.toFixed(1)} µs/packet → ${((us * 100_000) / 1e6).toFixed(2)} cores at 100k packets/s); ` +
      `${fin.flows.emitted} flows; kernel drop events ${Object.values(fin.kernelDropReasons)
        .reduce((a, b) => a + b, 0)
        .toLocaleString('en-US')} (${Object.entries(fin.kernelDropReasons)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([r, n]) => `${r} ${n.toLocaleString('en-US')}`)
        .join(', ')})`,
  );
  console.log(
    `  CPU by process: ${[...after]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
      .join(', ')}`,
  );
}

async function live(seconds: number): Promise<void> {
  const lab = Lab.create();
  try {
    await lab.up();
    await flood(lab, seconds, 'full', []);
    await flood(lab, seconds, 'batched', ['--batched']);
    await flood(lab, seconds, 'capture-only', ['--no-kernel-drops', '--tcp-states', 'off']);
  } finally {
    await lab.down();
  }
}

const short = synthetic(Number(process.env.CONNS ?? 20_000));
const long = bulk(Number(process.env.BULK ?? 2_000_000));
offline('medium', long.pcap, long.packets, 'long-lived');
offline('medium', short.pcap, short.packets, 'short HTTP+DNS');
offline('none', short.pcap, short.packets, 'short HTTP+DNS');
if (process.argv.includes('--live')) await live(Number(process.env.SECONDS ?? 5));
