/**
 * `flowlens observe` in live mode (no --input-file): GetFlows against a server on an ephemeral
 * loopback port whose history holds the golden input. The server applies the filters and the
 * selection, so every golden output of the flow-log mode must come out byte for byte the same.
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { ArrayHistory } from '../../pipeline/testing/array-history.js';
import { startTestObserver, type TestObserver } from '../../server/grpc/testing.js';
import { runObserve, type ObserveIO } from './run.js';

const GOLDEN = fileURLToPath(new URL('../../../test/golden-hubble/', import.meta.url));
const golden = (name: string): string => readFileSync(join(GOLDEN, name), 'utf8');
const events: FlowEvent[] = golden('input.jsonl')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => decodeEvent(JSON.parse(l)));

class Capture extends Writable {
  text = '';
  constructor() {
    super({ decodeStrings: false });
  }
  override _write(chunk: string | Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    cb();
  }
}

async function observe(
  argv: string[],
  opts: { env?: Record<string, string>; interrupt?: () => AbortSignal; stdout?: Capture } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = opts.stdout ?? new Capture();
  const stderr = new Capture();
  const io: ObserveIO = {
    stdout,
    stderr,
    env: opts.env ?? {},
    now: () => Date.parse('2026-11-20T09:00:00Z'),
    interrupt: opts.interrupt,
  };
  const code = await runObserve(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const history = new ArrayHistory();
let peer: TestObserver;
let addr = '';

beforeAll(async () => {
  history.append(events);
  peer = await startTestObserver(history);
  addr = peer.address;
});
afterAll(async () => {
  await peer.close();
});

describe('observe --server (live mode)', () => {
  const cases: { file: string; argv: string[] }[] = [
    { file: 'observe-all.json', argv: ['--all', '-o', 'json'] },
    { file: 'observe-all.compact.txt', argv: ['--all', '-o', 'compact', '--color', 'never'] },
    {
      file: 'observe-all.compact-node.txt',
      argv: ['--all', '-o', 'compact', '--color', 'never', '--print-node-name'],
    },
    { file: 'observe-all.dict.txt', argv: ['--all', '-o', 'dict', '--color', 'never'] },
    { file: 'observe-all.table.txt', argv: ['--all', '-o', 'table', '--color', 'never'] },
    {
      file: 'filter-dropped-shop.compact.txt',
      argv: ['--all', '--verdict', 'DROPPED', '--namespace', 'shop', '-o', 'compact', '--color', 'never'],
    },
  ];
  it.each(cases)('prints what hubble printed: $file', async ({ file, argv }) => {
    const r = await observe(['--server', addr, ...argv]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden(file));
  });

  it('asks the server for the last or first N flows', async () => {
    const all = golden('observe-all.compact.txt').split('\n').filter(Boolean);
    const last = await observe(['--server', addr, '--last', '3', '--color', 'never']);
    expect(last.stdout.split('\n').filter(Boolean)).toEqual(all.slice(-3));
    const first = await observe(['--server', addr, '--first', '2', '--color', 'never']);
    expect(first.stdout.split('\n').filter(Boolean)).toEqual(all.slice(0, 2));
    // hubble's default: the last 20.
    const dflt = await observe(['--server', addr, '--color', 'never']);
    expect(dflt.stdout.split('\n').filter(Boolean)).toEqual(all.slice(-20));
  });

  it('takes the server from HUBBLE_SERVER when --server is not given', async () => {
    const r = await observe(['--last', '1', '--color', 'never'], { env: { HUBBLE_SERVER: addr } });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('follows new flows until interrupted', async () => {
    const ac = new AbortController();
    const stdout = new Capture();
    const run = observe(['--server', addr, '--follow', '-o', 'json'], {
      interrupt: () => ac.signal,
      stdout,
    });
    const fresh: FlowEvent = {
      ...events[0]!,
      flow: { ...events[0]!.flow!, uuid: '7e57f011-0000-4000-8000-000000000001' },
    };
    // --follow without --last asks for new flows only: append until one arrives.
    for (let i = 0; i < 300 && !stdout.text.includes('7e57f011'); i++) {
      history.append([fresh]);
      await new Promise((r) => setTimeout(r, 10));
    }
    ac.abort();
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect((JSON.parse(l) as FlowEvent).flow!.uuid).toBe(fresh.flow!.uuid);
  });

  it('says which server it could not reach', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const r = await observe(['--server', `127.0.0.1:${port}`, '--last', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(`^failed to get flows from '127\\.0\\.0\\.1:${port}': .*ECONNREFUSED.*\\n$`),
    );
  });
});
