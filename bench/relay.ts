/**
 * Relay overhead per merged flow: two peer servers (child processes, N/2 flows each in their
 * rings), the relay in this process, one client in another process asking for everything. The
 * relay's CPU time divided by the flows it merged is its cost per flow; wall-clock throughput
 * is reported too.
 *
 *   npx tsx bench/relay.ts [flows=200000] [file=bench/out/flows-1m.jsonl]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadRelayConfig } from '../src/config/index.js';
import { RingHistory } from '../src/pipeline/index.js';
import { ObserverClient } from '../src/server/grpc/index.js';
import { startTestObserver } from '../src/server/grpc/testing.js';
import { readFlowLog } from '../src/sources/jsonl/index.js';
import { startRelay } from '../src/cli/commands/relay.js';

const self = new URL(import.meta.url).pathname;
const mode = process.argv[2];

if (mode === '--peer') {
  const [, , , n, skip, file] = process.argv;
  const history = new RingHistory(Number(n), `peer-${skip}`);
  let seen = 0;
  let loaded = 0;
  for await (const batch of await readFlowLog([file])) {
    for (const ev of batch) {
      // Peers take alternate flows, so their streams interleave in time as real nodes do.
      if (seen++ % 2 === Number(skip) && loaded < Number(n)) {
        history.append([{ ...ev, node_name: `peer-${skip}` }]);
        loaded++;
      }
    }
    if (loaded >= Number(n)) break;
  }
  const { port } = await startTestObserver(history, { nodeName: `peer-${skip}`, version: 'bench' });
  process.stdout.write(`PORT ${port}\n`);
} else if (mode === '--client') {
  const [, , , target, n] = process.argv;
  const c = new ObserverClient(target);
  const t0 = performance.now();
  let flows = 0;
  for await (const batch of c.getFlowsRaw({ number: Number(n) })) flows += batch.length;
  const s = (performance.now() - t0) / 1000;
  console.log(
    `client: ${flows} responses in ${s.toFixed(2)} s = ${Math.round(flows / s).toLocaleString('en-US')} responses/s`,
  );
  c.close();
  process.exit(0);
} else {
  const N = Number(process.argv[2] ?? 200_000);
  const file = process.argv[3] ?? 'bench/out/flows-1m.jsonl';
  const children: ChildProcess[] = [];
  const peer = (skip: number) =>
    new Promise<number>((resolve, reject) => {
      const c = spawn(
        process.execPath,
        ['--import', 'tsx', self, '--peer', String(N / 2), String(skip), file],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      children.push(c);
      c.stdout!.on('data', (d: Buffer) => {
        const m = /PORT (\d+)/.exec(String(d));
        if (m) resolve(Number(m[1]));
      });
      c.on('exit', (code) => reject(new Error(`peer exited ${code}`)));
    });
  const ports = await Promise.all([peer(0), peer(1)]);
  const cfg = loadRelayConfig(
    {
      flags: {
        peer: ports.map((p) => `127.0.0.1:${p}`),
        grpcListen: '127.0.0.1:0',
        httpListen: 'off',
        metricsListen: 'off',
        nodeName: 'relay',
      },
      env: {},
    },
    () => '',
  );
  const relay = await startRelay(cfg, { log: () => {}, warn: console.error });
  const runClient = (target: string) =>
    new Promise<void>((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', self, '--client', target, String(N)], {
        stdio: 'inherit',
      });
      c.on('exit', () => resolve());
    });
  for (const via of ['direct (one peer)', 'relay (two peers)', 'relay (two peers)']) {
    const target = via.startsWith('direct') ? `127.0.0.1:${ports[0]}` : `127.0.0.1:${relay.grpc!.port}`;
    const c0 = process.cpuUsage();
    const before = relay.backend.stats.responses;
    process.stdout.write(`${via}: `);
    await runClient(target);
    const c = process.cpuUsage(c0);
    const merged = relay.backend.stats.responses - before;
    if (merged > 0)
      console.log(
        `  relay CPU ${((c.user + c.system) / 1e6).toFixed(2)} s for ${merged} merged responses = ${((c.user + c.system) / merged).toFixed(2)} µs per merged flow`,
      );
  }
  await relay.stop();
  for (const c of children) c.kill();
}
