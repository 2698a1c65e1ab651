/**
 * The network-namespace lab (linux-lab.md, variant B): a private "node" namespace that owns a
 * bridge, pods as namespaces behind it, real dnsmasq and nginx, NetworkPolicies enforced with
 * nftables + NFLOG. Nothing leaks out: the node namespace has no uplink, every address is in
 * 10.244.1.0/24, each pod has its own resolv.conf pointing at the lab DNS, and teardown kills
 * the lab's processes by PID (`ip netns pids`) before deleting the namespaces.
 *
 * Every namespace is named `flab-<id>-<key>`, so labs never collide with each other or with
 * anything else on the machine, and `downAll()` can find leftovers of a crashed run.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parsePolicies, policiesToNft } from './policy-nft.js';
import {
  dnsmasqConf,
  DNS_IP,
  FAKE_UPSTREAM_JS,
  LAB_PODS,
  LAB_POLICIES_YAML,
  NGINX_PODS,
  nginxConf,
  NODE_IP,
  topologyYaml,
  type LabPod,
} from './scenario.js';

export const NS_PREFIX = 'flab-';
export const BRIDGE = 'labbr0';
export const NFLOG_GROUP = 5;
const UPSTREAM_PORT = 5399;

/** What `up` leaves behind for `down` and for tests. */
export interface LabState {
  id: string;
  dir: string;
  nodeNs: string;
  nodeName: string;
  pods: Array<LabPod & { ns: string }>;
  topologyFile: string;
  nftFile: string;
  nflogGroup: number;
  bridge: string;
}

/** A failed lab command. */
export class LabError extends Error {
  readonly code = 'LAB';
  constructor(message: string) {
    super(message);
    this.name = 'LabError';
  }
}

/** Runs a command synchronously (bounded), throwing LabError with its stderr on failure. */
export function sh(
  cmd: string,
  args: string[],
  opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {},
): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input: opts.input, timeout: opts.timeoutMs ?? 15_000 });
  if (!opts.allowFail && (r.status !== 0 || r.error)) {
    throw new LabError(
      `${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr || r.stdout || '').trim().slice(0, 500)}`,
    );
  }
  return r;
}

/** `ip netns exec NS cmd…` arguments. */
export function inNs(ns: string, cmd: string, ...args: string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, cmd, ...args]];
}

/** Tools the lab needs on PATH. */
export const LAB_TOOLS = [
  'ip',
  'nft',
  'tcpdump',
  'conntrack',
  'dnsmasq',
  'nginx',
  'curl',
  'dig',
  'nc',
  'nsenter',
];

/** Names of the tools that are missing. */
export function missingTools(): string[] {
  return LAB_TOOLS.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
}

/** The lab. */
export class Lab {
  readonly state: LabState;
  private readonly procs: ChildProcess[] = [];

  constructor(state: LabState) {
    this.state = state;
  }

  /** Plans a new lab (nothing is created until up()). */
  static create(dir?: string): Lab {
    const id = randomBytes(3).toString('hex');
    const d = dir ?? mkdtempSync(join(tmpdir(), `flowlens-lab-${id}-`));
    mkdirSync(d, { recursive: true });
    const nodeNs = `${NS_PREFIX}${id}-node`;
    return new Lab({
      id,
      dir: d,
      nodeNs,
      nodeName: `lab-node-${id}`,
      pods: LAB_PODS.map((p) => ({ ...p, ns: `${NS_PREFIX}${id}-${p.key}` })),
      topologyFile: join(d, 'topology.yaml'),
      nftFile: join(d, 'policies.nft'),
      nflogGroup: NFLOG_GROUP,
      bridge: BRIDGE,
    });
  }

  /** Loads the state of a lab made by up() (for `flowlens lab down --dir`). */
  static load(dir: string): Lab {
    return new Lab(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as LabState);
  }

  pod(key: string): LabPod & { ns: string } {
    const p = this.state.pods.find((x) => x.key === key);
    if (!p) throw new LabError(`no lab pod ${key}`);
    return p;
  }

  /** Builds the namespaces, bridge, policies and servers, and waits until they answer. */
  async up(): Promise<void> {
    if (process.getuid?.() !== 0)
      throw new LabError('the lab needs root (network namespaces, nftables, tcpdump)');
    const missing = missingTools();
    if (missing.length)
      throw new LabError(`missing tools: ${missing.join(', ')} (test/lab/run.sh installs them)`);
    const s = this.state;
    writeFileSync(join(s.dir, 'state.json'), JSON.stringify(s, null, 2));
    const node = s.nodeNs;
    sh('ip', ['netns', 'add', node]);
    sh('ip', ['-n', node, 'link', 'set', 'lo', 'up']);
    sh(
      ...inNs(
        node,
        'sysctl',
        '-qw',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
      ),
    );
    sh('ip', ['-n', node, 'link', 'add', s.bridge, 'type', 'bridge']);
    sh('ip', ['-n', node, 'addr', 'add', `${NODE_IP}/24`, 'dev', s.bridge]);
    sh('ip', ['-n', node, 'link', 'set', s.bridge, 'up']);
    for (const p of s.pods) {
      sh('ip', ['netns', 'add', p.ns]);
      // `ip netns exec` bind-mounts /etc/netns/<ns>/* over /etc: the pod's own resolver and hosts.
      mkdirSync(`/etc/netns/${p.ns}`, { recursive: true });
      writeFileSync(
        `/etc/netns/${p.ns}/resolv.conf`,
        `nameserver ${DNS_IP}\nsearch ${p.namespace}.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5 timeout:1 attempts:1\n`,
      );
      writeFileSync(`/etc/netns/${p.ns}/hosts`, `127.0.0.1 localhost\n${p.ip} ${p.name}\n`);
      sh(
        ...inNs(
          p.ns,
          'sysctl',
          '-qw',
          'net.ipv6.conf.all.disable_ipv6=1',
          'net.ipv6.conf.default.disable_ipv6=1',
        ),
      );
      sh('ip', ['-n', p.ns, 'link', 'set', 'lo', 'up']);
      // Created inside the node namespace: the root namespace never sees a lab interface.
      sh('ip', [
        '-n',
        node,
        'link',
        'add',
        `v-${p.key}`,
        'type',
        'veth',
        'peer',
        'name',
        'eth0',
        'netns',
        p.ns,
      ]);
      sh('ip', ['-n', node, 'link', 'set', `v-${p.key}`, 'master', s.bridge, 'up']);
      sh('ip', ['-n', p.ns, 'addr', 'add', `${p.ip}/24`, 'dev', 'eth0']);
      sh('ip', ['-n', p.ns, 'link', 'set', 'eth0', 'up']);
      sh('ip', ['-n', p.ns, 'route', 'add', 'default', 'via', NODE_IP, 'dev', 'eth0']);
    }
    writeFileSync(s.topologyFile, topologyYaml(s.nodeName));
    this.applyPolicies(LAB_POLICIES_YAML);
    this.startServers();
    await this.waitReady();
  }

  /** Translates NetworkPolicy YAML to nftables and loads it into the node namespace. */
  applyPolicies(yamlText: string): void {
    const docs = parseAllDocuments(yamlText);
    const list = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as unknown);
    const pols = parsePolicies(list);
    const pods = this.state.pods
      .filter((p) => !p.external)
      .map((p) => ({ namespace: p.namespace, name: p.name, ip: p.ip, labels: p.labels }));
    const script = policiesToNft(pols, pods, {
      table: 'flowlens_lab',
      nflogGroup: this.state.nflogGroup,
      namespaceLabels: { shop: { team: 'retail' } },
    });
    writeFileSync(this.state.nftFile, script);
    sh(...inNs(this.state.nodeNs, 'nft', '-f', this.state.nftFile));
  }

  private spawnIn(ns: string, cmd: string, args: string[], log: string): ChildProcess {
    const fd = `${this.state.dir}/${log}`;
    const out = openLog(fd);
    const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], {
      stdio: ['ignore', out, out],
      detached: false,
    });
    closeSync(out);
    this.procs.push(c);
    return c;
  }

  private startServers(): void {
    const s = this.state;
    const dns = this.pod('dns');
    const dnsDir = join(s.dir, 'dns');
    mkdirSync(dnsDir, { recursive: true });
    chmodSync(dnsDir, 0o777);
    writeFileSync(join(dnsDir, 'dnsmasq.conf'), dnsmasqConf(join(dnsDir, 'dnsmasq.log'), UPSTREAM_PORT));
    writeFileSync(join(dnsDir, 'servfail.mjs'), FAKE_UPSTREAM_JS);
    this.spawnIn(
      dns.ns,
      process.execPath,
      [join(dnsDir, 'servfail.mjs'), '127.0.0.1', String(UPSTREAM_PORT)],
      'dns/upstream.out',
    );
    this.spawnIn(dns.ns, 'dnsmasq', ['-C', join(dnsDir, 'dnsmasq.conf')], 'dns/dnsmasq.out');
    for (const n of NGINX_PODS) {
      const p = this.pod(n.key);
      const dir = join(s.dir, 'nginx', n.key);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, p.ip, n.port));
      this.spawnIn(p.ns, 'nginx', ['-c', join(dir, 'nginx.conf')], `nginx/${n.key}/nginx.out`);
    }
  }

  private async waitReady(): Promise<void> {
    const client = this.pod('client').ns;
    const deadline = Date.now() + 15_000;
    const checks: Array<[string, string[]]> = [
      inNs(client, 'dig', '+tries=1', '+time=1', '+short', `@${DNS_IP}`, 'web.shop.svc.cluster.local'),
      ...NGINX_PODS.filter((n) => n.key !== 'backend').map((n) =>
        inNs(
          client,
          'curl',
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          '-m',
          '1',
          `http://${this.pod(n.key).ip}:${n.port}/ok`,
        ),
      ),
      inNs(
        this.pod('backend').ns,
        'curl',
        '-s',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-m',
        '1',
        `http://${this.pod('backend').ip}:8080/ok`,
      ),
    ];
    for (const [cmd, args] of checks) {
      for (;;) {
        const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 3000 });
        if (r.status === 0 && /^(200|10\.244\.1\.11)\s*$/.test(r.stdout.trim())) break;
        if (Date.now() > deadline)
          throw new LabError(
            `lab server not ready: ${args.slice(3).join(' ')} → ${r.stdout.trim() || r.stderr.trim()}`,
          );
        await new Promise((res) => setTimeout(res, 100));
      }
    }
  }

  /** Namespaces of this lab that exist now. */
  namespaces(): string[] {
    const all = sh('ip', ['netns', 'list'], { allowFail: true })
      .stdout.split('\n')
      .map((l) => l.split(' ')[0]);
    return all.filter((n) => n.startsWith(`${NS_PREFIX}${this.state.id}-`));
  }

  /** Lets this process exit while the lab's servers keep running (`flowlens lab up`). */
  detach(): void {
    for (const c of this.procs) c.unref();
  }

  /** Tears everything down (idempotent; safe after a partial up()). Returns what was removed. */
  async down(): Promise<string[]> {
    return teardown(this.state.id, this.procs);
  }
}

function openLog(path: string): number {
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  return openSync(path, 'a');
}

/** Kills every process inside the lab's namespaces (by PID), then deletes the namespaces. */
export async function teardown(id: string, own: ChildProcess[] = []): Promise<string[]> {
  const prefix = `${NS_PREFIX}${id}-`;
  const list = () =>
    spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => l.split(' ')[0])
      .filter((n) => n.startsWith(prefix));
  const nss = list();
  for (const sig of ['SIGTERM', 'SIGKILL'] as const) {
    let any = false;
    for (const ns of nss) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter((x) => /^\d+$/.test(x.trim()));
      for (const pid of pids) {
        try {
          process.kill(Number(pid), sig);
          any = true;
        } catch {
          // already gone
        }
      }
    }
    for (const c of own) if (c.exitCode === null && c.signalCode === null) c.kill(sig);
    if (!any) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const ns of nss) {
    spawnSync('ip', ['netns', 'del', ns]);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  // /etc/netns entries of namespaces that were never created
  if (existsSync('/etc/netns'))
    for (const d of readdirSync('/etc/netns'))
      if (d.startsWith(prefix)) rmSync(`/etc/netns/${d}`, { recursive: true, force: true });
  return nss;
}

/** Tears down every lab found on the machine (namespaces named flab-*). */
export async function teardownAll(): Promise<string[]> {
  const ids = new Set(
    spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' })
      .stdout.split('\n')
      .map((l) => l.split(' ')[0])
      .filter((n) => n.startsWith(NS_PREFIX))
      .map((n) => n.slice(NS_PREFIX.length).split('-')[0]),
  );
  const out: string[] = [];
  for (const id of ids) out.push(...(await teardown(id)));
  return out;
}
