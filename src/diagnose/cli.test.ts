/**
 * `flowlens diagnose` and `flowlens policy explain|whatif` end to end on a simulated flow log
 * and the scenario's policies written as YAML files.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createDiagnoseCommand } from '../cli/commands/diagnose.js';
import { createPolicyCommand } from '../cli/commands/policy.js';
import { encodeEvent } from '../flow/index.js';
import { loadScenario, simulate } from '../sim/index.js';
import { diagnose, type DiagnosisReport } from './index.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'flowlens-cli-'));
const scenario = loadScenario('policy-drops');
const flowsFile = join(dir, 'flows.json');
writeFileSync(
  flowsFile,
  [...simulate(scenario, { seed: 4, durationMs: 4 * 60_000 })].map((e) => encodeEvent(e)).join('\n') + '\n',
);

const strip = (p: object) => Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'origin'));
const changed = scenario.faults.flatMap((f) => (f.kind === 'policy-change' ? [strip(f.policy)] : []));
const isChanged = (p: { metadata: { name: string } }) =>
  changed.some((c) => (c as { metadata: { name: string } }).metadata.name === p.metadata.name);
const context = [
  ...scenario.namespaces.map((n) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: n.name, labels: n.labels },
  })),
  ...scenario.workloads.map((w) => ({
    apiVersion: 'apps/v1',
    kind: w.kind,
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      template: {
        metadata: { labels: w.labels },
        spec: {
          containers: [
            {
              name: 'c',
              ports: w.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
            },
          ],
        },
      },
    },
  })),
];
const current = join(dir, 'current');
const fixed = join(dir, 'fixed');
for (const [d, pols] of [
  [current, [...scenario.policies.filter((p) => !isChanged(p)).map(strip), ...changed]],
  [fixed, scenario.policies.map(strip)],
] as const) {
  mkdirSync(d);
  writeFileSync(join(d, 'policies.yaml'), pols.map((p) => stringify(p)).join('---\n'));
  writeFileSync(join(d, 'cluster.yaml'), context.map((p) => stringify(p)).join('---\n'));
}

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const program = new Command('flowlens').exitOverride();
  const now = () => Date.parse('2025-06-02T12:00:00Z');
  createDiagnoseCommand(() => ({ stdout, stderr, now, isTTY: false })).register(program);
  createPolicyCommand(() => ({ stdout, stderr, now })).register(program);
  process.exitCode = undefined;
  await program.parseAsync(['node', 'flowlens', ...args]);
  const code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  process.exitCode = undefined;
  return { out: stdout.text, err: stderr.text, code };
}

describe('flowlens diagnose', () => {
  it('attributes the policy drops of a flow log to the given policies, as JSON', async () => {
    const { out, code } = await run([
      'diagnose',
      '--input-file',
      flowsFile,
      '--policies',
      current,
      '-o',
      'json',
      '--workers',
      '1',
    ]);
    expect(code).toBe(0);
    const r = JSON.parse(out) as DiagnosisReport;
    const broken = r.findings.find((f) => f.kind === 'policy-drop' && f.subject.workload === 'frontend')!;
    expect(broken.severity).toBe('critical');
    expect(broken.policies!.map((p) => p.name)).toContain('allow-frontend-to-backend');
    expect(broken.policies![0]).toMatchObject({
      kind: 'NetworkPolicy',
      direction: 'ingress',
      role: 'denies',
      source: 'policies',
    });
    expect(broken.proposal).toContain('kind: NetworkPolicy');
    expect(broken.next.map((n) => n.command).join('\n')).toContain(`--input-file ${flowsFile}`);
  }, 120_000);

  it('honours --since/--until, --min-severity and --fail-on', async () => {
    const { out, code } = await run([
      'diagnose',
      '--input-file',
      flowsFile,
      '--since',
      '2025-06-02T09:00:00Z',
      '--until',
      '2025-06-02T09:01:30Z',
      '--min-severity',
      'warning',
      '--fail-on',
      'warning',
      '-o',
      'json',
      '--workers',
      '1',
    ]);
    const r = JSON.parse(out) as DiagnosisReport;
    expect(r.window).toEqual({ since: '2025-06-02T09:00:00Z', until: '2025-06-02T09:01:30Z' });
    // Before the policy change only kapinger-bad is denied.
    expect(r.findings.map((f) => f.subject.workload)).toEqual(['kapinger-bad', 'kapinger-bad']);
    expect(code).toBe(4);
  }, 120_000);

  it('rejects bad flags with status 2', async () => {
    await expect(run(['diagnose', '--input-file', flowsFile, '-o', 'xml'])).rejects.toMatchObject({
      exitCode: 2,
    });
    await expect(run(['diagnose', '--input-file', flowsFile, '--since', 'yesterday'])).rejects.toMatchObject({
      exitCode: 2,
    });
  });

  it('--server prints the server’s diagnosis with next steps pointing at the server', async () => {
    const served = diagnose(simulate(scenario, { seed: 4, durationMs: 3 * 60_000 }), { clock: () => 0 });
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url!.startsWith('/api/v1/diagnosis') ? JSON.stringify(served) : '{"flows":[],"truncated":false}',
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const hostPort = `127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const { out } = await run(['diagnose', '--server', hostPort, '-o', 'json']);
      const r = JSON.parse(out) as DiagnosisReport;
      expect(r.findings.length).toBe(served.findings.length);
      for (const f of r.findings)
        for (const n of f.next)
          expect(n.command).toMatch(
            new RegExp(`^flowlens (observe|policy explain --uuid \\S+) --server ${hostPort}`),
          );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 120_000);

  it('lists its rules', async () => {
    const { out } = await run(['diagnose', '--list-rules']);
    expect(
      out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(' ')[0]),
    ).toEqual(['dns', 'policy-drop', 'drop', 'imbalance', 'tcp-reset', 'l7-errors', 'latency']);
  });
});

describe('flowlens policy', () => {
  it('explain --from/--to/--port names the rule and proposes a fix', async () => {
    const { out, code } = await run([
      'policy',
      'explain',
      '--policies',
      current,
      '--input-file',
      flowsFile,
      '--from',
      'microservices/frontend',
      '--to',
      'microservices/backend',
      '--port',
      '8080/TCP',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/verdict: DENIED on ingress/);
    expect(out).toMatch(/NetworkPolicy microservices\/allow-frontend-to-backend: no rule admits it/);
    expect(out).toMatch(/podSelector app=frontend,role=gateway does not match/);
    expect(out).toMatch(/smallest rule that would admit it/);
  }, 120_000);

  it('explain --filter picks the first matching flow; -o yaml prints only the proposal', async () => {
    const { out } = await run([
      'policy',
      'explain',
      '--policies',
      current,
      '--input-file',
      flowsFile,
      '--filter',
      '--from-namespace default --verdict DROPPED --to-port 443',
      '-o',
      'yaml',
    ]);
    expect(out).toMatch(/^apiVersion: networking.k8s.io\/v1/);
    expect(out).toContain('ipBlock:');
  }, 120_000);

  it('whatif lists the flows the fix allows, by uuid, as JSON', async () => {
    const { out } = await run([
      'policy',
      'whatif',
      '--policies',
      fixed,
      '--input-file',
      flowsFile,
      '-o',
      'json',
    ]);
    const r = JSON.parse(out);
    expect(r.newlyAllowed).toBeGreaterThan(0);
    expect(r.newlyDenied).toBe(0);
    expect(r.groups[0]).toMatchObject({
      source: 'microservices/frontend',
      destination: 'microservices/backend',
      port: 8080,
      protocol: 'TCP',
    });
    expect(r.changed[0]).toMatchObject({
      old: 'denied',
      new: 'allowed',
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  }, 120_000);

  it('explain fails clearly on an unknown uuid', async () => {
    await expect(
      run(['policy', 'explain', '--policies', current, '--input-file', flowsFile, '--uuid', 'nope']),
    ).rejects.toMatchObject({ exitCode: 2 });
  }, 120_000);
});
