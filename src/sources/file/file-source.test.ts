import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEvent, type FlowEvent } from '../../flow/index.js';
import { FileSource, followFile } from './index.js';
import { stat } from 'node:fs/promises';

const line = (id: string) =>
  JSON.stringify({
    flow: { time: '2024-05-01T12:00:00Z', uuid: id, verdict: 'FORWARDED' },
    node_name: 'n1',
    time: '2024-05-01T12:00:00Z',
  }) + '\n';

function follow(path: string, opts: ConstructorParameters<typeof FileSource>[1] = {}) {
  const src = new FileSource(path, { pollMs: 10, ...opts });
  const got: string[] = [];
  const ac = new AbortController();
  const done = src.run(async (b: FlowEvent[]) => {
    for (const e of b) got.push(e.flow?.uuid ?? '?');
  }, ac.signal);
  const until = async (pred: () => boolean, ms = 3000) => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end)
        throw new Error(`timed out with ${JSON.stringify(got)} state=${JSON.stringify(src.status())}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { src, got, until, stop: async () => (ac.abort(), await done) };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'flowlens-tail-'));
  dirs.push(d);
  return d;
}

describe('FileSource (tail -F)', () => {
  it('reads the existing content, then appended lines, holding back a partial line', async () => {
    const p = join(tmp(), 'events.log');
    writeFileSync(p, line('a') + line('b'));
    const f = follow(p);
    await f.until(() => f.got.length === 2);
    const c = line('c');
    appendFileSync(p, c.slice(0, 20));
    await new Promise((r) => setTimeout(r, 50));
    expect(f.got).toEqual(['a', 'b']);
    appendFileSync(p, c.slice(20));
    await f.until(() => f.got.length === 3);
    expect(f.got).toEqual(['a', 'b', 'c']);
    expect(f.src.status()).toMatchObject({ state: 'running', flows: 3, lost: 0 });
    await f.stop();
  });

  it('follows rotation: finishes the old file, then reads the new one from its start', async () => {
    const d = tmp();
    const p = join(d, 'events.log');
    writeFileSync(p, line('a'));
    const f = follow(p);
    await f.until(() => f.got.length === 1);
    appendFileSync(p, line('b'));
    renameSync(p, join(d, 'events.log.1'));
    appendFileSync(join(d, 'events.log.1'), line('c')); // written by the old writer after the rename
    writeFileSync(p, line('d') + line('e'));
    await f.until(() => f.got.length === 5);
    expect(f.got).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(f.src.rotations).toBe(1);
    await f.stop();
  });

  it('reads what the old writer added between the end of its read and the rotation check', async () => {
    // The worst moment, made certain: the path is looked at (statPath) right after a read found
    // the end of the file; the old writer appends, the file is renamed and a new one written
    // just then. Before stop 15 the follower closed the old handle without reading "b" and "c".
    const d = tmp();
    const p = join(d, 'events.log');
    writeFileSync(p, line('a'));
    let rotated = false;
    const ac = new AbortController();
    const got: string[] = [];
    const notices: string[] = [];
    const gen = followFile(p, {
      signal: ac.signal,
      pollMs: 5,
      onNotice: (n) => notices.push(n.kind),
      statPath: async (path) => {
        if (!rotated && got.length === 1) {
          rotated = true;
          appendFileSync(p, line('b'));
          renameSync(p, join(d, 'events.log.1'));
          appendFileSync(join(d, 'events.log.1'), line('c'));
          writeFileSync(p, line('d'));
        }
        return stat(path);
      },
    });
    // A follower that lost lines would wait forever: give up after 5 s and compare.
    const timer = setTimeout(() => ac.abort(), 5000);
    for await (const lines of gen) {
      for (const l of lines) got.push((JSON.parse(l) as FlowEvent).flow!.uuid!);
      if (got.length >= 4) break;
    }
    clearTimeout(timer);
    ac.abort();
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect(notices).toEqual(['opened', 'rotated', 'opened']);
  });

  it('follows truncation (copytruncate): starts again from the beginning', async () => {
    const p = join(tmp(), 'events.log');
    writeFileSync(p, line('a') + line('b') + line('c'));
    const f = follow(p);
    await f.until(() => f.got.length === 3);
    truncateSync(p, 0);
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(p, line('d'));
    await f.until(() => f.got.length === 4);
    expect(f.got).toEqual(['a', 'b', 'c', 'd']);
    expect(f.src.truncations).toBe(1);
    await f.stop();
  });

  it('waits for a file that does not exist yet', async () => {
    const p = join(tmp(), 'later.log');
    const f = follow(p);
    await f.until(() => f.src.status().state === 'waiting');
    writeFileSync(p, line('x'));
    await f.until(() => f.got.length === 1);
    await f.stop();
  });

  it('counts invalid lines as lost and keeps going', async () => {
    const p = join(tmp(), 'events.log');
    const warnings: string[] = [];
    writeFileSync(p, line('a') + '{not json\n' + '\n' + line('b'));
    const f = follow(p, { onWarning: (m) => warnings.push(m) });
    await f.until(() => f.got.length === 2);
    expect(f.src.status().lost).toBe(1);
    expect(warnings[0]).toMatch(/skipping invalid line/);
    await f.stop();
  });

  it('skips over-long lines, inside one read and across reads, and counts each once', async () => {
    const p = join(tmp(), 'events.log');
    const warnings: string[] = [];
    const long = '{"flow":"' + 'x'.repeat(300) + '"}\n';
    writeFileSync(p, line('a') + long + line('b'));
    const f = follow(p, { maxLineBytes: 200, onWarning: (m) => warnings.push(m) });
    await f.until(() => f.got.length === 2);
    appendFileSync(p, long.slice(0, 250)); // held back, then over the limit while unfinished
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(p, long.slice(250) + line('c'));
    await f.until(() => f.got.length === 3);
    expect(f.got).toEqual(['a', 'b', 'c']);
    expect(f.src.status().lost).toBe(2);
    expect(warnings).toEqual([
      `file:${p}: skipped a line longer than 200 bytes`,
      `file:${p}: skipped a line longer than 200 bytes`,
    ]);
    await f.stop();
  });

  it('starts at the end with fromEnd', async () => {
    const p = join(tmp(), 'events.log');
    writeFileSync(p, line('old'));
    const f = follow(p, { fromEnd: true });
    await f.until(() => f.src.status().state === 'running');
    appendFileSync(p, line('new'));
    await f.until(() => f.got.length === 1);
    expect(f.got).toEqual(['new']);
    await f.stop();
  });
});

describe('FileSource decoding', () => {
  it('normalises lines that are not in canonical form (bare flows, numeric enums) and keeps canonical ones', async () => {
    const p = join(tmp(), 'mixed.log');
    const bare = JSON.stringify({ time: '2024-05-01T12:00:01Z', uuid: 'bare', verdict: 2 }) + '\n';
    writeFileSync(p, line('canon') + bare + 'not json\n');
    const src = new FileSource(p, { pollMs: 10 });
    const got: FlowEvent[] = [];
    const ac = new AbortController();
    const done = src.run(async (b: FlowEvent[]) => void got.push(...b), ac.signal);
    const end = Date.now() + 3000;
    while (got.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    ac.abort();
    await done;
    expect(got.map((e) => [e.flow?.uuid, e.flow?.verdict])).toEqual([
      ['canon', 'FORWARDED'],
      ['bare', 'DROPPED'],
    ]);
    expect(got[1].time).toBe('2024-05-01T12:00:01Z');
    expect(src.status()).toMatchObject({ flows: 2, lost: 1 });
  });
});

describe('FileSource on a large file', () => {
  it('delivers every flow in order across many reads and counts bad lines', async () => {
    const golden = readFileSync(new URL('../../../test/golden-hubble/input.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter(Boolean);
    // About 9 MB: several 1 MiB reads (the next one in flight while a chunk is parsed), lines
    // split across reads, some bad lines, blank lines and CRLF endings.
    const lines: string[] = [];
    let bad = 0;
    for (let i = 0; lines.length < 6000; i++) {
      lines.push(i % 10 === 3 ? golden[i % golden.length] + '\r' : golden[i % golden.length]);
      if (i % 997 === 500) {
        lines.push('{"flow": truncated');
        bad++;
      }
      if (i % 1500 === 7) lines.push('');
    }
    const p = join(tmp(), 'big.log');
    writeFileSync(p, lines.join('\n') + '\n');
    const want = lines
      .filter((l) => l !== '' && !l.includes('truncated'))
      .map((l) => decodeEvent(JSON.parse(l)));
    const src = new FileSource(p, { pollMs: 10 });
    const got: FlowEvent[] = [];
    const ac = new AbortController();
    const done = src.run(async (b: FlowEvent[]) => void got.push(...b), ac.signal);
    const end = Date.now() + 10_000;
    while (got.length < want.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50)); // nothing more arrives
    ac.abort();
    await done;
    expect(got.length).toBe(want.length);
    expect(got).toEqual(want);
    expect(src.status()).toMatchObject({ flows: want.length, lost: bad, state: 'ended' });
  });

  it('decodes non-ASCII text as UTF-8, including a character split across reads', async () => {
    const p = join(tmp(), 'utf8.log');
    const ev = (pod: string) =>
      JSON.stringify({
        flow: { time: '2024-05-01T12:00:00Z', verdict: 'FORWARDED', source: { pod_name: pod } },
        node_name: 'n1',
        time: '2024-05-01T12:00:00Z',
      });
    // The first read (1 MiB) ends inside the 3-byte "€" of a line.
    const filler = ev('x'.repeat(100));
    const n = Math.floor((1 << 20) / (filler.length + 1)) - 1;
    const head = (filler + '\n').repeat(n);
    const pre = ev('MARK').split('MARK')[0];
    const pad = (1 << 20) - 1 - Buffer.byteLength(head) - Buffer.byteLength(pre);
    writeFileSync(p, head + ev('y'.repeat(pad) + '€ü') + '\n' + ev('é') + '\n');
    expect(
      readFileSync(p)
        .subarray((1 << 20) - 1, (1 << 20) + 2)
        .toString(),
    ).toBe('€');
    const pods: string[] = [];
    const src = new FileSource(p, { pollMs: 10 });
    const ac = new AbortController();
    const done = src.run(async (b: FlowEvent[]) => {
      for (const e of b) pods.push(e.flow?.source?.pod_name ?? '');
    }, ac.signal);
    const end = Date.now() + 5000;
    while (pods.length < n + 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await done;
    expect(pods[n]).toBe('y'.repeat(pad) + '€ü');
    expect(pods[n + 1]).toBe('é');
  });
});
