/**
 * The real command line: `flowlens observe ...` through commander and main(), in a child
 * process (TypeScript loaded with tsx), with real stdout/stderr/stdin and exit codes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const INPUT = 'test/golden-hubble/input.jsonl';
const golden = (name: string): string => readFileSync(`${ROOT}test/golden-hubble/${name}`, 'utf8');
const ENTRY =
  "import {main} from './src/cli/main.ts'; main(['node','flowlens',...process.argv.slice(1)]).then((c)=>{process.exitCode=c})";

interface Child {
  code: number | null;
  stdout: string;
  stderr: string;
}

function flowlens(args: string[], opts: { stdin?: string; closeStdoutAfter?: number } = {}): Promise<Child> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // Like `| head -c N`: the reader goes away while the writer is still busy.
      if (opts.closeStdoutAfter !== undefined && stdout.length >= opts.closeStdoutAfter)
        child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // The child may exit before reading all of stdin (early close test).
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

describe('flowlens observe (process)', () => {
  it('prints the golden JSON and exits 0', async () => {
    const r = await flowlens(['observe', '--input-file', INPUT, '--all', '-o', 'json']);
    expect(r).toEqual({ code: 0, stdout: golden('observe-all.json'), stderr: '' });
  });
  it('prints the golden compact output with TZ=UTC', async () => {
    const r = await flowlens(['observe', 'flows', '--input-file', INPUT, '--all', '--color', 'never']);
    expect(r).toEqual({ code: 0, stdout: golden('observe-all.compact.txt'), stderr: '' });
  });
  it('reads stdin with --input-file -', async () => {
    const r = await flowlens(['observe', '--input-file', '-', '--last', '2', '-o', 'json'], {
      stdin: readFileSync(`${ROOT}${INPUT}`, 'utf8'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden('observe-all.json').split('\n').slice(-3).join('\n'));
  });
  it('a missing file: one line on stderr, exit 1', async () => {
    const r = await flowlens(['observe', '--input-file', 'no/such/file.jsonl']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'failed to open no/such/file.jsonl: no such file or directory\n',
    });
  });
  it('a flag error: hubble text only, no usage', async () => {
    const r = await flowlens(['observe', '--input-file', INPUT, '-n', 'a', '--pod', 'b']);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'invalid argument "b" for "--pod" flag: filters --namespace and --pod cannot be combined\n',
    });
  });
  it('--print-raw-filters needs no input', async () => {
    const r = await flowlens([
      'observe',
      '--verdict',
      'DROPPED',
      '--namespace',
      'shop',
      '--print-raw-filters',
    ]);
    expect(r).toEqual({ code: 0, stdout: golden('filter-dropped-shop.raw-filters.txt'), stderr: '' });
  });
  it('--help exits 0', async () => {
    const r = await flowlens(['observe', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Selectors Flags:');
  });
  it('skipped lines: warnings and a summary on stderr, exit 0', async () => {
    const lines = readFileSync(`${ROOT}${INPUT}`, 'utf8').split('\n');
    const r = await flowlens(['observe', '--input-file', '-', '--all', '-o', 'json'], {
      stdin: [lines[0], 'garbage', lines[1]].join('\n') + '\n',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(lines[0] + '\n' + lines[1] + '\n');
    expect(r.stderr).toMatch(
      /^warning: line 2: invalid JSON: .*\nflowlens: read 3 lines, 2 flows, matched 2, skipped 1 invalid\n$/,
    );
  });
  it('a reader closing the pipe early (| head) ends the run quietly', async () => {
    const big = Array.from({ length: 200 }, () => readFileSync(`${ROOT}${INPUT}`, 'utf8')).join('');
    const r = await flowlens(['observe', '--input-file', '-', '--all', '-o', 'json'], {
      stdin: big,
      closeStdoutAfter: 1,
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
