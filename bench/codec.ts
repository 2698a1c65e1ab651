/**
 * Throughput of the flow-log reader and JSON codec on a generated log (bench/gen-flows.ts):
 * read+decode, read+decode+encode, and protobuf-es fromJson/toJson for comparison.
 *
 *   npx tsx bench/codec.ts [file=bench/out/flows-1m.jsonl]
 */
import { fromJson, toJson } from '@bufbuild/protobuf';
import { GetFlowsResponseSchema } from '../src/gen/observer/observer_pb.js';
import { encodeEvent } from '../src/flow/index.js';
import { readFlowLog } from '../src/sources/jsonl/index.js';

const file = process.argv[2] ?? 'bench/out/flows-1m.jsonl';

async function run(
  name: string,
  each: (ev: import('../src/flow/index.js').FlowEvent) => void,
  limit = Infinity,
) {
  const t0 = process.hrtime.bigint();
  const reader = await readFlowLog([file]);
  let n = 0;
  outer: for await (const batch of reader) {
    for (const ev of batch) {
      each(ev);
      if (++n >= limit) break outer;
    }
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${name.padEnd(40)} ${n} flows in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString('en-US')} flows/s`,
  );
}

let sink = 0;
await run('read + decode', () => sink++);
await run('read + decode + encode (hubble JSON)', (ev) => (sink += encodeEvent(ev).length));
await run(
  'read + decode + protobuf-es fromJson/toJson',
  (ev) => {
    const m = fromJson(GetFlowsResponseSchema, ev as never, { ignoreUnknownFields: true });
    sink += JSON.stringify(toJson(GetFlowsResponseSchema, m, { useProtoFieldName: true })).length;
  },
  200_000,
);
console.log(`rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (sink ${sink > 0})`);
