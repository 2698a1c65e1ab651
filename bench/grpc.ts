/**
 * GetFlows streaming throughput to one client: a server with N flows in its ring (the realistic
 * flows of bench/gen-flows.ts), one client in another process asking for all of them. The
 * client counts messages without decoding the flows (flowlens's own client, as the relay does)
 * and, for reference, decodes them with connect-node/protobuf-es as a generic gRPC client would.
 *
 *   npx tsx bench/grpc.ts [flows=500000] [file=bench/out/flows-1m.jsonl]
 * Target: >= 150,000 flows/s (issue #5).
 */
import { spawn } from 'node:child_process';
import { createClient } from '@connectrpc/connect';
import { createGrpcTransport } from '@connectrpc/connect-node';
import { fromJson, toBinary } from '@bufbuild/protobuf';
import type { FlowEvent } from '../src/flow/index.js';
import { GetFlowsResponseSchema, Observer } from '../src/gen/observer/observer_pb.js';
import { ProtoWriter, writeEventFrame } from '../src/server/grpc/wire/index.js';
import { RingHistory } from '../src/pipeline/index.js';
import { ObserverClient } from '../src/server/grpc/index.js';
import { startTestObserver } from '../src/server/grpc/testing.js';
import { readFlowLog } from '../src/sources/jsonl/index.js';

if (process.argv[2] === '--client') {
  const [, , , target, mode, limit] = process.argv;
  if (mode === 'raw') await rawRun(target, Number(limit));
  else await connectRun(target, Number(limit));
  process.exit(0);
}

const N = Number(process.argv[2] ?? 500_000);
const file = process.argv[3] ?? 'bench/out/flows-1m.jsonl';

const history = new RingHistory(N, 'bench');
let loaded = 0;
const sample: FlowEvent[] = [];
for await (const batch of await readFlowLog([file])) {
  const take = batch.slice(0, N - loaded);
  history.append(take);
  for (const ev of take) if (sample.length < 100_000) sample.push(ev);
  loaded += take.length;
  if (loaded >= N) break;
}

// The encoder alone: flowlens's generated binary encoder vs protobuf-es fromJson + toBinary.
{
  const w = new ProtoWriter(1 << 20);
  for (let round = 0; round < 2; round++) {
    const t0 = performance.now();
    for (const ev of sample) {
      writeEventFrame(w, ev);
      if (w.pos > 1 << 19) w.reset();
    }
    const ms = performance.now() - t0;
    if (round === 1)
      console.log(
        `encode, flowlens binary encoder:       ${Math.round((sample.length / ms) * 1000).toLocaleString('en-US')} flows/s`,
      );
  }
  const k = Math.min(sample.length, 20_000);
  const t0 = performance.now();
  for (let i = 0; i < k; i++)
    toBinary(
      GetFlowsResponseSchema,
      fromJson(GetFlowsResponseSchema, sample[i] as never, { ignoreUnknownFields: true }),
    );
  console.log(
    `encode, protobuf-es fromJson+toBinary:  ${Math.round((k / (performance.now() - t0)) * 1000).toLocaleString('en-US')} flows/s`,
  );
}
const peer = await startTestObserver(history, { nodeName: 'bench', version: 'bench' });
const target = peer.address;

async function rawRun(target: string, N: number): Promise<void> {
  const c = new ObserverClient(target);
  const t0 = performance.now();
  let n = 0;
  let bytes = 0;
  for await (const batch of c.getFlowsRaw({ number: N })) {
    n += batch.length;
    for (const b of batch) bytes += b.length;
  }
  const s = (performance.now() - t0) / 1000;
  c.close();
  console.log(
    `GetFlows ${n} flows, raw client:        ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en-US')} flows/s (${(bytes / n).toFixed(0)} B/flow, ${(bytes / s / 1e6).toFixed(0)} MB/s)`,
  );
}

async function connectRun(target: string, limit: number): Promise<void> {
  const client = createClient(Observer, createGrpcTransport({ baseUrl: `http://${target}` }));
  const t0 = performance.now();
  let n = 0;
  for await (const r of client.getFlows({ number: BigInt(limit) })) if (r.responseTypes.case === 'flow') n++;
  const s = (performance.now() - t0) / 1000;
  console.log(
    `GetFlows ${n} flows, connect-node decode: ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en-US')} flows/s`,
  );
}

console.log(`loaded ${loaded} flows into the ring`);
// The client runs in its own process (like the hubble CLI), so both sides get a core.
// Server CPU per flow is reported too: it does not depend on what else the machine runs.
for (let i = 0; i < 3; i++) await measured('raw', N);
await measured('connect', Math.min(N, 100_000));

async function measured(mode: string, limit: number): Promise<void> {
  const c0 = process.cpuUsage();
  await runChild(mode, limit);
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(
    `  server CPU ${cpu.toFixed(2)} s = ${((cpu / limit) * 1e6).toFixed(2)} µs/flow -> ${Math.round(limit / cpu).toLocaleString('en-US')} flows per server CPU-second`,
  );
}
await peer.close();

function runChild(mode: string, limit: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, '--client', target, mode, String(limit)],
      { stdio: 'inherit' },
    );
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`client exited ${code}`))));
  });
}
