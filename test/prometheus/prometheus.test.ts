/**
 * flowlens metrics against a real Prometheus (Debian's package, foreground, loopback).
 *
 * Started here and stopped in afterAll, each by its own PID:
 * - `flowlens metrics --listen 127.0.0.1:0 --loop` replaying simulated flows (the six built-in
 *   scenarios of `flowlens simulate`, aligned to one start time, plus test/prometheus/l7-extra.jsonl
 *   for the HTTP 4xx and L7 denials the scenarios do not produce; the golden Hubble input when
 *   the simulator is missing), with the default handlers plus exemplars, and /proc node stats;
 * - Prometheus with a 1 s scrape interval, a static `cluster` label on the target, the alert
 *   rules of alerts/, and exemplar storage.
 *
 * Run with test/prometheus/run.sh.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METRICS } from '../../src/metrics/index.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = join(ROOT, 'bin/flowlens');
const CLUSTER = 'flowlens-it';
const SCENARIOS = ['healthy', 'dns', 'policy-drops', 'tcp-resets', 'l7-errors', 'traffic-imbalance'];
/** Values substituted for the dashboards' variables: every node, namespace and workload ("All"). */
const VARIABLES: Record<string, string> = {
  $cluster: CLUSTER,
  $Nodes: '.*',
  $namespace: '[^/]+',
  $workload: '.+',
  $__rate_interval: '1m',
  $__range: '5m',
  $__interval: '15s',
};

let lab = '';
let flowlens: ChildProcess | undefined;
let prom: ChildProcess | undefined;
let promUrl = '';
let metricsUrl = '';
let flowlensLog = '';
let promLog = '';

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Flow logs to replay: simulated scenarios when `flowlens simulate` exists, else the golden input. */
function flowInputs(): string[] {
  const extra = join(ROOT, 'test/prometheus/l7-extra.jsonl');
  const probe = spawnSync(process.execPath, [BIN, 'simulate', '--list'], { encoding: 'utf8' });
  if (probe.status !== 0) return [join(ROOT, 'test/golden-hubble/input.jsonl'), extra];
  return [
    ...SCENARIOS.map((s) => {
      const out = join(lab, `${s}.jsonl`);
      // Same start for every scenario so that their fault windows overlap in the merged replay.
      execFileSync(process.execPath, [
        BIN,
        'simulate',
        '--scenario',
        s,
        '--rate',
        '20',
        '--start',
        '2025-01-01T00:00:00Z',
        '--seed',
        '1',
        '-o',
        out,
      ]);
      return out;
    }),
    extra,
  ];
}

/** The default handler set with exemplars on the latency and request families. */
function metricsArgs(): string[] {
  return DEFAULT_METRICS.flatMap((m) => [
    '--metrics',
    /^(httpV2|dns-latency|http-latency|drop):/.test(m) ? `${m};exemplars=true` : m,
  ]);
}

async function waitFor<T>(what: string, deadlineMs: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch {
      // not ready yet
    }
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what}\nflowlens: ${flowlensLog.slice(-2000)}\nprometheus: ${promLog.slice(-3000)}`,
      );
    await sleep(250);
  }
}

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
}

async function query(expr: string): Promise<PromResult[]> {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { status: string; error?: string; data?: { result: PromResult[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data!.result;
}

function stop(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const kill = setTimeout(() => p.kill('SIGKILL'), 5000);
    p.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    p.kill('SIGTERM');
  });
}

beforeAll(async () => {
  lab = mkdtempSync(join(tmpdir(), 'flowlens-prom-'));
  const inputs = flowInputs();

  flowlens = spawn(
    process.execPath,
    [
      BIN,
      'metrics',
      '--input-file',
      ...inputs,
      '--listen',
      '127.0.0.1:0',
      '--loop',
      '--rate',
      '4000',
      '--node-stats',
      ...metricsArgs(),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  flowlens.stdout!.on('data', (d: Buffer) => (flowlensLog += d.toString()));
  flowlens.stderr!.on('data', (d: Buffer) => (flowlensLog += d.toString()));
  metricsUrl = await waitFor(
    'flowlens to listen',
    60_000,
    async () => /serving (http:\/\/\S+)/.exec(flowlensLog)?.[1],
  );
  const target = new URL(metricsUrl).host;

  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(lab, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${join(ROOT, 'alerts/flowlens-alerts.yml')}']`,
      'scrape_configs:',
      '  - job_name: flowlens',
      `    static_configs: [ { targets: ['${target}'], labels: { cluster: '${CLUSTER}' } } ]`,
      '',
    ].join('\n'),
  );
  prom = spawn(
    'prometheus',
    [
      `--config.file=${join(lab, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(lab, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--enable-feature=exemplar-storage',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prom.stdout!.on('data', (d: Buffer) => (promLog += d.toString()));
  prom.stderr!.on('data', (d: Buffer) => (promLog += d.toString()));
  await waitFor('Prometheus to be ready', 30_000, async () =>
    (await fetch(`${promUrl}/-/ready`)).ok ? true : undefined,
  );
  // New targets are applied on a 5 s ticker (linux-lab.md §7): allow some time.
  await waitFor('the first successful scrape', 60_000, async () =>
    (await query('up{job="flowlens"} == 1')).length > 0 ? true : undefined,
  );
});

afterAll(async () => {
  await stop(prom);
  await stop(flowlens);
  if (lab) rmSync(lab, { recursive: true, force: true });
});

describe('flowlens metrics in a real Prometheus', () => {
  it('is scraped as OpenMetrics with the static cluster label and no scrape errors', async () => {
    const up = await query(`up{job="flowlens", cluster="${CLUSTER}"}`);
    expect(up.map((r) => r.value?.[1])).toEqual(['1']);
    const r = await fetch(metricsUrl, {
      headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' },
    });
    expect(r.headers.get('content-type')).toMatch(/^application\/openmetrics-text; version=1.0.0/);
    expect((await r.text()).endsWith('# EOF\n')).toBe(true);
    const samples = await query('scrape_samples_scraped{job="flowlens"}');
    expect(Number(samples[0]?.value?.[1])).toBeGreaterThan(100);
  });

  it('proves over PromQL that every panel query of the shipped dashboards returns data', async () => {
    const dir = join(ROOT, 'dashboards');
    const panels: { file: string; panel: string; expr: string }[] = [];
    for (const file of readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const walk = (ps: { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[]) => {
        for (const p of ps) {
          for (const t of p.targets ?? [])
            if (t.expr) panels.push({ file, panel: p.title ?? '', expr: substitute(t.expr) });
          walk((p.panels ?? []) as typeof ps);
        }
      };
      walk((JSON.parse(readFileSync(join(dir, file), 'utf8')) as { panels: [] }).panels);
    }
    expect(new Set(panels.map((p) => p.file)).size).toBe(8);
    let missing = panels;
    const deadline = Date.now() + 120_000;
    while (missing.length > 0 && Date.now() < deadline) {
      const still: typeof missing = [];
      for (const p of missing) if ((await query(p.expr)).length === 0) still.push(p);
      missing = still;
      if (missing.length > 0) await sleep(2000);
    }
    expect(missing.map((p) => `${p.file} / ${p.panel}: ${p.expr}`)).toEqual([]);
    expect(panels.length).toBeGreaterThan(200);
  });

  it('resolves the dashboards template variables', async () => {
    const vars = new Map<string, { query: string; regex: string }>();
    for (const file of readdirSync(join(ROOT, 'dashboards')).filter((f) => f.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(join(ROOT, 'dashboards', file), 'utf8')) as {
        templating: { list: { definition?: string; regex?: string }[] };
      };
      for (const v of d.templating.list)
        if (v.definition)
          vars.set(`${v.definition} ${v.regex}`, { query: v.definition, regex: v.regex ?? '' });
    }
    expect(vars.size).toBeGreaterThan(3);
    for (const { query: q, regex } of vars.values()) {
      const m = /^label_values\((.+), (\w+)\)$/.exec(q);
      expect(m, q).not.toBeNull();
      const selector = substitute(m![1]!);
      const r = await fetch(`${promUrl}/api/v1/series?match[]=${encodeURIComponent(selector)}`);
      const series = ((await r.json()) as { data: Record<string, string>[] }).data;
      const values = [...new Set(series.map((s) => s[m![2]!]).filter((v): v is string => v !== undefined))];
      const re = regex ? new RegExp(regex.slice(1, regex.lastIndexOf('/'))) : /.*/;
      expect(values.filter((v) => re.test(v)).length, `${q} (${regex})`).toBeGreaterThan(0);
    }
  });

  it('stores exemplars carrying the flow uuid', async () => {
    const end = Date.now() / 1000;
    const found = await waitFor('exemplars', 60_000, async () => {
      const r = await fetch(
        `${promUrl}/api/v1/query_exemplars?query=${encodeURIComponent('hubble_http_requests_total')}&start=${end - 600}&end=${end + 600}`,
      );
      const body = (await r.json()) as { data: { exemplars: { labels: Record<string, string> }[] }[] };
      const ex = body.data.flatMap((d) => d.exemplars);
      return ex.length > 0 ? ex : undefined;
    });
    expect(found[0]!.labels.flow_uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('loads the alert rules in Prometheus', async () => {
    const r = await fetch(`${promUrl}/api/v1/rules`);
    const body = (await r.json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules.map((x) => x.name).sort()).toEqual([
      'FlowlensDNSErrorRatioHigh',
      'FlowlensHTTP5xxRatioHigh',
      'FlowlensPolicyDrops',
      'FlowlensReplicaImbalance',
      'FlowlensTCPResetRateHigh',
    ]);
    await waitFor('rule evaluation', 30_000, async () => {
      const again = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as typeof body;
      const rs = again.data.groups.flatMap((g) => g.rules);
      return rs.every((x) => x.health === 'ok') ? true : undefined;
    });
  });

  it('passes promtool check rules and promtool test rules', () => {
    const check = spawnSync('promtool', ['check', 'rules', join(ROOT, 'alerts/flowlens-alerts.yml')], {
      encoding: 'utf8',
    });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 5 rules found/);
    const tests = readdirSync(join(ROOT, 'alerts/tests')).map((f) => join(ROOT, 'alerts/tests', f));
    const test = spawnSync('promtool', ['test', 'rules', ...tests], { encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/SUCCESS/);
  });

  it('passes promtool check metrics, except the Retina names kept for compatibility', async () => {
    const text = await (await fetch(metricsUrl)).text();
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const problems = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '');
    // Retina registers gauges named *_count and counters without _total; dashboards query those names.
    const allowed =
      /^networkobservability_\S+ (non-histogram and non-summary metrics should not have "_count" suffix|counter metrics should have "_total" suffix)$/;
    expect(problems.filter((l) => !allowed.test(l))).toEqual([]);
    expect([0, 3]).toContain(r.status);
  });
});

function substitute(expr: string): string {
  // Longest names first so that $__rate_interval is not taken for a prefix.
  return Object.keys(VARIABLES)
    .sort((a, b) => b.length - a.length)
    .reduce((e, k) => e.split(k).join(VARIABLES[k]!), expr);
}

// Guard: the suite needs the binaries run.sh installs.
if (!existsSync(BIN)) throw new Error('bin/flowlens missing');
