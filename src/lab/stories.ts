/**
 * Scripted traffic for the five stories, played from the frontend pod with real clients
 * (dig, curl, nc), each bounded in time. Every client's own view of what happened (dig's
 * status and query time, curl's status code, nc's exit code) is returned as ground truth for
 * the tests to compare the agent's flows with.
 *
 * 1. DNS failures: NXDOMAIN (unknown cluster names), REFUSED (names with no upstream),
 *    SERVFAIL (the broken upstream), plus good names, a CNAME and an external name.
 * 2. A frontend blocked by an ingress policy: curl to the backend times out.
 * 3. Uneven load across the three web replicas (10:1:1).
 * 4. RSTs: connections to a closed port of a web pod.
 * 5. HTTP 5xx (and some 403/404) from a web pod.
 */
import { spawn } from 'node:child_process';
import { DNS_IP } from './scenario.js';
import type { Lab } from './lab.js';

/** What one dig saw. */
export interface DigResult {
  name: string;
  status: string;
  queryTimeMs: number;
}

/** What one curl saw. */
export interface CurlResult {
  target: string;
  path: string;
  /** HTTP status, or 0 when no response. */
  code: number;
  exit: number;
}

/** Ground truth of a run. */
export interface StoryResults {
  startMs: number;
  endMs: number;
  dig: DigResult[];
  curl: CurlResult[];
  blocked: CurlResult[];
  resets: Array<{ target: string; port: number; exit: number }>;
}

/** How much traffic each story makes. */
export interface StoryCounts {
  nxdomain: number;
  refused: number;
  servfail: number;
  good: number;
  blocked: number;
  hot: number;
  cold: number;
  resets: number;
  errors5xx: number;
}

export const defaultStoryCounts: StoryCounts = {
  nxdomain: 15,
  refused: 15,
  servfail: 12,
  good: 6,
  blocked: 4,
  hot: 60,
  cold: 6,
  resets: 40,
  errors5xx: 25,
};

/** Runs a shell script inside a namespace, bounded; resolves to its stdout and exit code. */
export function shIn(
  ns: string,
  script: string,
  timeoutMs = 60_000,
): Promise<{ stdout: string; code: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const t = setTimeout(() => c.kill('SIGKILL'), timeoutMs);
    c.on('error', reject);
    c.on('close', (code) => {
      clearTimeout(t);
      if (code === null)
        reject(new Error(`script timed out in ${ns}: ${script.slice(0, 80)}… ${err.slice(0, 200)}`));
      else resolve({ stdout: out, code });
    });
  });
}

/** Runs digs and parses status and query time of each. */
async function digs(ns: string, names: string[]): Promise<DigResult[]> {
  const script = names
    .map((n) => `echo "@@ ${n}"; dig +tries=1 +time=2 @${DNS_IP} ${n} A | grep -E 'status:|Query time:'`)
    .join('; ');
  const { stdout } = await shIn(ns, script);
  const out: DigResult[] = [];
  let cur: DigResult | undefined;
  for (const line of stdout.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^@@ (\S+)/.exec(line))) {
      cur = { name: m[1], status: 'TIMEOUT', queryTimeMs: -1 };
      out.push(cur);
    } else if (cur && (m = /status: (\w+)/.exec(line))) cur.status = m[1];
    else if (cur && (m = /Query time: (\d+) msec/.exec(line))) cur.queryTimeMs = Number(m[1]);
  }
  return out;
}

/** Runs sequential curls; each line is `<target> <path> <code> <exit>`. */
async function curls(
  ns: string,
  reqs: Array<{ target: string; path: string }>,
  maxTime = 2,
): Promise<CurlResult[]> {
  const script = reqs
    .map(
      (r) =>
        `c=$(curl -s -o /dev/null -m ${maxTime} -w '%{http_code}' http://${r.target}${r.path}); echo "${r.target} ${r.path} $c $?"`,
    )
    .join('; ');
  const { stdout } = await shIn(ns, script);
  return stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [target, path, code, exit] = l.split(' ');
      return { target, path, code: Number(code), exit: Number(exit) };
    });
}

/** Plays all five stories; resolves with every client's result. */
export async function playStories(lab: Lab, counts: StoryCounts = defaultStoryCounts): Promise<StoryResults> {
  const client = lab.pod('client').ns;
  const web = [lab.pod('web1').ip, lab.pod('web2').ip, lab.pod('web3').ip];
  const backend = lab.pod('backend').ip;
  const startMs = Date.now();
  const rep = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
  // Story 2 runs in the background: each blocked curl waits for its timeout.
  const blockedP = Promise.all(
    rep(counts.blocked, () => curls(client, [{ target: `${backend}:8080`, path: '/' }], 2)),
  ).then((r) => r.flat());
  // Story 1: DNS.
  const names = [
    ...rep(counts.nxdomain, () => 'nope.shop.svc.cluster.local'),
    ...rep(counts.refused, (i) => `host${i}.example.com`),
    ...rep(counts.servfail, (i) => `x${i}.broken.test`),
    ...rep(counts.good, () => 'web.shop.svc.cluster.local'),
    'www.partner.test',
  ];
  const dig = await digs(client, names);
  // The resolver path: search-domain expansions (NXDOMAIN) before the external name, then HTTP to it.
  const ext = await curls(client, [{ target: 'api.partner.test', path: '/ok' }]);
  // Story 3 and 5: uneven load, then 5xx/4xx from the hot replica.
  const load = await curls(client, [
    ...rep(counts.hot, () => ({ target: web[0], path: '/ok' })),
    ...rep(counts.cold, () => ({ target: web[1], path: '/ok' })),
    ...rep(counts.cold, () => ({ target: web[2], path: '/ok' })),
    ...rep(counts.errors5xx, () => ({ target: web[0], path: '/boom' })),
    ...rep(3, () => ({ target: web[0], path: '/forbidden' })),
    ...rep(3, () => ({ target: web[0], path: '/missing' })),
  ]);
  // Story 4: RSTs from a closed port.
  const { stdout } = await shIn(
    client,
    rep(counts.resets, () => `nc -z -w 1 ${web[0]} 81; echo $?`).join('; '),
  );
  const resets = stdout
    .trim()
    .split('\n')
    .map((l) => ({ target: web[0], port: 81, exit: Number(l) }));
  const blocked = await blockedP;
  return { startMs, endMs: Date.now(), dig, curl: [...ext, ...load], blocked, resets };
}
