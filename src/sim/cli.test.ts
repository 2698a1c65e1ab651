/**
 * `flowlens simulate` end to end through commander, with captured streams.
 * (Kept in src/sim because this work owns only src/cli/commands/simulate.ts in src/cli.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { createSimulateCommand } from '../cli/commands/simulate.js';
import { decodeEvent } from '../flow/index.js';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks: string[] = [];
  const errs: string[] = [];
  stdout.on('data', (c) => chunks.push(String(c)));
  stderr.on('data', (c) => errs.push(String(c)));
  const program = new Command('flowlens')
    .exitOverride()
    .configureOutput({ writeOut: (s) => chunks.push(s), writeErr: (s) => errs.push(s) });
  createSimulateCommand(() => ({ stdout, stderr, now: () => Date.UTC(2026, 0, 2, 3, 4, 5) })).register(
    program,
  );
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync(['node', 'flowlens', 'simulate', ...args]);
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    code = e.exitCode;
  }
  process.exitCode = undefined;
  return { code, out: chunks.join(''), err: errs.join('') };
}

describe('flowlens simulate', () => {
  it('--list prints every built-in with its description', async () => {
    const r = await cli('--list');
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual(['dns', 'healthy', 'l7-errors', 'policy-drops', 'tcp-resets', 'traffic-imbalance']);
    expect(r.out).toMatch(/tcp-resets\s+TCP resets - /);
  });

  it('writes hubble JSON lines to stdout, deterministic for a seed', async () => {
    const a = await cli('--scenario', 'healthy', '--duration', '3s', '--seed', '9');
    const b = await cli('--scenario', 'healthy', '--duration', '3s', '--seed', '9');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const lines = a.out.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    const ctx = { unknownFields: [] as string[] };
    for (const l of lines) expect(decodeEvent(JSON.parse(l), ctx).flow?.time).toBeDefined();
    expect(ctx.unknownFields).toEqual([]);
    expect(lines[0]).toMatch(/^\{"flow":\{"time":"2025-06-02T09:00:00\.\d+Z"/);
  });

  it('honours --start now, --rate, -o and --truth', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-cli-'));
    const r = await cli(
      '-s',
      'dns',
      '-d',
      '2m',
      '--start',
      'now',
      '--rate',
      '50',
      '-o',
      join(dir, 'f.jsonl'),
      '--truth',
      join(dir, 't.json'),
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^wrote \d+ flows \(dns, 2m, seed 1\) to /);
    const lines = readFileSync(join(dir, 'f.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(3000);
    expect(lines.length).toBeLessThan(9000);
    expect(lines[0]).toContain('"time":"2026-01-02T03:04:');
    const truth = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(truth.map((e: { kind: string }) => e.kind)).toEqual(['dns-nxdomain']); // the next fault starts at 2m
    expect(truth[0]).toMatchObject({
      start: '2026-01-02T03:05:05Z',
      end: '2026-01-02T03:06:05Z',
      namespace: 'webapp',
      workload: 'web',
    });
  });

  it('--show prints a built-in that loads back as a file', async () => {
    const r = await cli('--show', 'tcp-resets');
    expect(r.out).toMatch(/^# Story 4/);
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-cli-'));
    writeFileSync(join(dir, 'mine.yaml'), r.out.replace('name: tcp-resets', 'name: mine'));
    const run = await cli('-s', join(dir, 'mine.yaml'), '-d', '1s');
    expect(run.code).toBe(0);
    expect(run.out.length).toBeGreaterThan(1000);
  });

  const errors: Array<{ args: string[]; code: number; err: RegExp }> = [
    { args: [], code: 2, err: /missing --scenario NAME\|FILE/ },
    { args: ['-s', 'nope'], code: 1, err: /no built-in scenario "nope"/ },
    { args: ['-s', 'dns', '-d', 'soon'], code: 2, err: /invalid --duration "soon"/ },
    { args: ['-s', 'dns', '--rate', '-3'], code: 2, err: /invalid --rate "-3"/ },
    { args: ['-s', 'dns', '--start', 'yesterday'], code: 1, err: /invalid start time "yesterday"/ },
    { args: ['--show', 'nope'], code: 2, err: /no built-in scenario "nope"/ },
  ];
  for (const c of errors) {
    it(`fails clearly for ${c.args.join(' ') || 'no arguments'}`, async () => {
      const r = await cli(...c.args);
      expect(r.code).toBe(c.code);
      expect(r.err).toMatch(c.err);
    });
  }

  it('reports scenario file errors with file:line:column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowlens-sim-cli-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(
      f,
      'name: bad\nworkloads:\n  - kind: Deployment\n    name: web\n    namespace: shop\n    replicas: many\n',
    );
    const r = await cli('-s', f);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `flowlens simulate: ${f}:6:15: workloads[0].replicas: expected an integer between 0 and 500, got "many"\n`,
    );
  });
});
