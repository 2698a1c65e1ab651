/**
 * End-to-end: the agent in a real network-namespace lab. Builds the lab (pods, bridge, dnsmasq,
 * nginx, NetworkPolicies → nftables + NFLOG), runs `flowlens agent --serve` in the node
 * namespace, plays the five stories with real clients, and checks the agent's flows, status and
 * /metrics against what really happened: the clients' own results, dnsmasq's and nginx's logs,
 * and conntrack's table. Then checks that diagnosis finds the injected problems in the capture.
 * The lab is removed in afterAll, whatever happened (test/lab/run.sh removes leftovers too).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentStats } from '../../src/agent/index.js';
import { buildProgram } from '../../src/cli/main.js';
import { diagnose } from '../../src/diagnose/index.js';
import { decodeEvent, type Flow, type FlowEvent } from '../../src/flow/index.js';
import { Lab } from '../../src/lab/lab.js';
import { runLab, type LabRun } from '../../src/lab/run.js';
import { defaultStoryCounts } from '../../src/lab/stories.js';

const CLI = {
  command: process.execPath,
  args: ['--import', 'tsx', join(import.meta.dirname, 'flowlens.ts')],
};
const METRICS_PORT = 19965;

let lab: Lab;
let run: LabRun;
let events: FlowEvent[] = [];
let flows: Flow[] = [];
let status: AgentStats;
let metrics = '';

beforeAll(async () => {
  lab = Lab.create();
  await lab.up();
  // Only the stories' requests count: forget the readiness checks of up().
  for (const key of ['web1', 'web2', 'web3', 'backend', 'ext'])
    writeFileSync(join(lab.state.dir, 'nginx', key, 'access.log'), '');
  run = await runLab(lab, CLI, {
    agentArgs: [
      '--serve',
      '--grpc-listen',
      'off',
      '--http-listen',
      'off',
      '--metrics-listen',
      `127.0.0.1:${METRICS_PORT}`,
      '--quiet',
    ],
    beforeStop: async () => {
      // /metrics listens on the node namespace's loopback.
      const r = spawnSync(
        'ip',
        [
          'netns',
          'exec',
          lab.state.nodeNs,
          'curl',
          '-s',
          '-m',
          '5',
          `http://127.0.0.1:${METRICS_PORT}/metrics`,
        ],
        { encoding: 'utf8' },
      );
      metrics = r.stdout;
    },
  });
  events = readFileSync(run.flowsFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => decodeEvent(JSON.parse(l)));
  flows = events.map((e) => e.flow).filter((f): f is Flow => !!f);
  status = JSON.parse(readFileSync(run.statusFile, 'utf8')) as AgentStats;
}, 180_000);

afterAll(async () => {
  if (lab) {
    await lab.down();
    expect(lab.namespaces()).toEqual([]);
  }
});

const pod = (key: string) => lab.pod(key);
const dnsAnswers = (pred: (f: Flow) => boolean) =>
  flows.filter((f) => f.l7?.type === 'RESPONSE' && f.l7.dns && pred(f));
const sum = (text: string, re: RegExp) =>
  text
    .split('\n')
    .filter((l) => re.test(l))
    .reduce((a, l) => a + Number(l.split(' ').pop()), 0);

describe('lab: the agent sees what really happened', () => {
  it('captured without loss, and every input ran', () => {
    expect(status.ready).toBe(true);
    expect(status.losses).toEqual({
      kernelCaptureDrops: 0,
      parseFailures: 0,
      queueOverflow: 0,
      traceOverruns: 0,
    });
    expect(status.captures.map((c) => c.input).sort()).toEqual(
      [lab.state.bridge, `nflog:${lab.state.nflogGroup}`].sort(),
    );
    expect(status.captures.find((c) => c.input === lab.state.bridge)!.captured).toBeGreaterThan(500);
  });

  it('reports the NXDOMAIN, REFUSED and SERVFAIL answers dnsmasq really sent, between the right pods, with latency', () => {
    const r = run.results;
    const byStatus = (s: string) => r.dig.filter((d) => d.status === s);
    expect(byStatus('NXDOMAIN')).toHaveLength(defaultStoryCounts.nxdomain);
    expect(byStatus('REFUSED')).toHaveLength(defaultStoryCounts.refused);
    expect(byStatus('SERVFAIL')).toHaveLength(defaultStoryCounts.servfail);
    // dnsmasq's own log says it answered these.
    const log = readFileSync(join(lab.state.dir, 'dns', 'dnsmasq.log'), 'utf8');
    expect(log.match(/config nope\.shop\.svc\.cluster\.local is NXDOMAIN/g)?.length).toBeGreaterThanOrEqual(
      defaultStoryCounts.nxdomain,
    );
    expect(log.match(/config error is REFUSED/g)?.length).toBeGreaterThanOrEqual(defaultStoryCounts.refused);

    for (const [name, rcode, want] of [
      ['nope.shop.svc.cluster.local.', 3, defaultStoryCounts.nxdomain],
      [/^host\d+\.example\.com\.$/, 5, defaultStoryCounts.refused],
      [/^x\d+\.broken\.test\.$/, 2, defaultStoryCounts.servfail],
    ] as const) {
      const got = dnsAnswers((f) =>
        typeof name === 'string' ? f.l7!.dns!.query === name : name.test(f.l7!.dns!.query ?? ''),
      );
      expect(got).toHaveLength(want);
      for (const f of got) {
        expect(f.l7!.dns!.rcode).toBe(rcode);
        expect(f.source?.pod_name).toBe(pod('dns').name);
        expect(f.destination?.pod_name).toBe(pod('client').name);
        expect(f.IP).toMatchObject({ source: pod('dns').ip, destination: pod('client').ip });
        const ms = Number(f.l7!.latency_ns) / 1e6;
        expect(ms).toBeGreaterThan(0);
        // dig measured each of these at a few ms at most; the agent's figure is the same exchange.
        expect(ms).toBeLessThan(Math.max(...r.dig.map((d) => d.queryTimeMs)) + 50);
      }
    }
    // Every query got its answer matched.
    expect(status.assembler.dns.unmatchedResponses).toBe(0);
    // The NOERROR answers carry the record dnsmasq serves.
    const good = dnsAnswers((f) => f.l7!.dns!.query === 'web.shop.svc.cluster.local.');
    expect(good.length).toBe(defaultStoryCounts.good);
    for (const f of good) expect(f.l7!.dns).toMatchObject({ ips: ['10.244.1.11'], rrtypes: ['A'] });
  });

  it('names external servers from the DNS answers (destination_names, through a CNAME)', () => {
    const toExt = flows.filter((f) => f.IP?.destination === pod('ext').ip && f.Type === 'L3_L4');
    expect(toExt.length).toBeGreaterThan(0);
    for (const f of toExt) {
      expect(f.destination).toEqual({ identity: 2, labels: ['reserved:world'] });
      expect(f.destination_names).toContain('api.partner.test');
    }
    expect(dnsAnswers((f) => f.l7!.dns!.query === 'www.partner.test.')[0].l7!.dns).toMatchObject({
      cnames: ['api.partner.test.'],
      ips: [pod('ext').ip],
    });
  });

  it('reports the policy drops, named after the NetworkPolicy, and no forwarded trace for them', () => {
    expect(run.results.blocked.every((b) => b.exit === 28 && b.code === 0)).toBe(true);
    const drops = flows.filter((f) => f.verdict === 'DROPPED' && f.drop_reason_desc === 'POLICY_DENIED');
    expect(drops.length).toBeGreaterThanOrEqual(defaultStoryCounts.blocked);
    // One drop flow per packet the NFLOG rule logged.
    expect(drops).toHaveLength(status.captures.find((c) => c.input.startsWith('nflog:'))!.captured);
    for (const f of drops) {
      expect(f).toMatchObject({
        drop_reason: 133,
        traffic_direction: 'INGRESS',
        ingress_denied_by: [{ name: 'backend-ingress', namespace: 'shop', kind: 'NetworkPolicy' }],
        source: { pod_name: pod('client').name },
        destination: { pod_name: pod('backend').name },
        l4: { TCP: { destination_port: 8080, flags: { SYN: true } } },
      });
    }
    const clientPorts = new Set(drops.map((f) => f.l4!.TCP!.source_port));
    expect(clientPorts.size).toBe(defaultStoryCounts.blocked);
    expect(
      flows.filter(
        (f) =>
          f.verdict === 'FORWARDED' &&
          f.IP?.destination === pod('backend').ip &&
          f.IP.source === pod('client').ip,
      ),
    ).toEqual([]);
  });

  it('reports the RSTs from the closed port, and the kernel’s NO_SOCKET drops, with OTHERHOST filtered', () => {
    expect(run.results.resets.map((r) => r.exit)).toEqual(Array(defaultStoryCounts.resets).fill(1));
    const rst = flows.filter(
      (f) => f.l4?.TCP?.flags?.RST && f.IP?.source === pod('web1').ip && f.l4.TCP.source_port === 81,
    );
    expect(rst).toHaveLength(defaultStoryCounts.resets);
    for (const f of rst)
      expect(f).toMatchObject({
        is_reply: true,
        verdict: 'FORWARDED',
        destination: { pod_name: pod('client').name },
        Summary: 'TCP Flags: ACK, RST',
      });
    expect(status.kernelDropReasons.NO_SOCKET).toBeGreaterThanOrEqual(defaultStoryCounts.resets);
    expect(status.kernelDropReasons.NETFILTER_DROP).toBeGreaterThanOrEqual(defaultStoryCounts.blocked);
    expect(status.kernelDropReasons.OTHERHOST).toBeUndefined();
    expect(status.kernelDropReasonsFiltered).toContain('OTHERHOST');
  });

  it('reports the HTTP statuses nginx returned, per pod, with latency', () => {
    const codes = (pairs: Array<[string, number]>) =>
      Object.fromEntries(
        [...new Set(pairs.map((p) => p.join(' ')))]
          .sort()
          .map((k) => [k, pairs.filter((p) => p.join(' ') === k).length]),
      );
    const fromLogs: Array<[string, number]> = [];
    for (const key of ['web1', 'web2', 'web3', 'ext']) {
      const log = readFileSync(join(lab.state.dir, 'nginx', key, 'access.log'), 'utf8').trim();
      for (const line of log ? log.split('\n') : []) {
        if (line.startsWith(pod('client').ip)) fromLogs.push([pod(key).ip, Number(line.split(' ').pop())]);
      }
    }
    const responses = flows.filter((f) => f.l7?.type === 'RESPONSE' && f.l7.http);
    expect(codes(responses.map((f) => [f.IP!.source!, f.l7!.http!.code!]))).toEqual(codes(fromLogs));
    expect(
      codes(
        run.results.curl.map((c) => [c.target === 'api.partner.test' ? pod('ext').ip : c.target, c.code]),
      ),
    ).toEqual(codes(fromLogs));
    for (const f of responses) {
      expect(Number(f.l7!.latency_ns)).toBeGreaterThan(0);
      expect(f.is_reply).toBe(true);
    }
    expect(
      responses.filter((f) => f.l7!.http!.code === 500 && f.source?.pod_name === pod('web1').name),
    ).toHaveLength(defaultStoryCounts.errors5xx);
  });

  it('tracks TCP states as conntrack does', () => {
    expect(status.tcpStates?.source).toBe('conntrack');
    const r = spawnSync('ip', ['netns', 'exec', lab.state.nodeNs, 'conntrack', '-L', '-p', 'tcp'], {
      encoding: 'utf8',
    });
    const count = (st: string) => r.stdout.split('\n').filter((l) => l.includes(` ${st} `)).length;
    const timeWait = count('TIME_WAIT');
    // Every successful curl left a TIME_WAIT entry (120 s), in conntrack and in the agent's table.
    expect(timeWait).toBeGreaterThanOrEqual(run.results.curl.filter((c) => c.code > 0).length - 1);
    expect(status.tcpStates!.states.TIME_WAIT).toBe(timeWait);
    expect(status.tcpStates!.events).toBeGreaterThan(4 * timeWait);
  });

  it('exposes the same facts as Prometheus metrics', () => {
    expect(metrics).toContain('hubble_drop_total');
    expect(sum(metrics, /^hubble_drop_total\{.*reason="POLICY_DENIED"/)).toBe(
      flows.filter((f) => f.drop_reason_desc === 'POLICY_DENIED').length,
    );
    expect(sum(metrics, /^hubble_dns_responses_total\{.*rcode="Non-Existent Domain"/)).toBe(
      dnsAnswers((f) => f.l7!.dns!.rcode === 3).length,
    );
    expect(sum(metrics, /^hubble_dns_responses_total\{.*rcode="Query Refused"/)).toBe(
      dnsAnswers((f) => f.l7!.dns!.rcode === 5).length,
    );
    expect(sum(metrics, /^hubble_http_requests_total\{.*status="500"/)).toBe(defaultStoryCounts.errors5xx);
    expect(sum(metrics, /^hubble_tcp_flags_total\{.*flag="RST"/)).toBeGreaterThanOrEqual(
      defaultStoryCounts.resets,
    );
  });
});

describe('lab: diagnosis finds the injected problems in the capture', () => {
  it('finds DNS failures, the policy drops, the imbalance, the resets and the 5xx', () => {
    const report = diagnose(events, { clock: () => Date.now() });
    const kinds = new Set(report.findings.map((f) => f.kind));
    for (const k of ['dns', 'policy-drop', 'imbalance', 'tcp-reset', 'l7-errors'] as const)
      expect(kinds, `missing ${k} in ${[...kinds].join(', ')}`).toContain(k);
    const policy = report.findings.find((f) => f.kind === 'policy-drop')!;
    expect(JSON.stringify(policy)).toContain('backend-ingress');
    const imbalance = report.findings.find((f) => f.kind === 'imbalance')!;
    expect(imbalance.title).toContain(pod('web1').name);
  });

  it('`flowlens diagnose --input-file` reports them too (when the command is built in)', async () => {
    const has = (await buildProgram()).commands.some((c) => c.name() === 'diagnose');
    if (!has) return; // the command is added by another part of the project; the library check above stands
    // --bucket is given explicitly: the command's default bucket is being reworked by its owners.
    const r = spawnSync(
      CLI.command,
      [...CLI.args, 'diagnose', '--input-file', run.flowsFile, '--bucket', '10s'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const out = r.stdout + r.stderr;
    for (const tag of ['[dns]', '[policy-drop]', '[imbalance]', '[tcp-reset]', '[l7-errors]'])
      expect(out, out.slice(0, 3000)).toContain(tag);
    expect(out).toContain('shop/backend-ingress');
    expect(out).toMatch(/SERVFAIL/);
  });
});
