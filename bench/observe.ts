/**
 * `flowlens observe` speed and memory on a generated flow log (bench/gen-flows.ts), for the
 * queries the issue names, run as real CLI processes with output to /dev/null. Peak memory is
 * the child's VmHWM and CPU time its utime + stime (all threads, GC helpers included), both
 * polled from /proc; on a busy machine flows per CPU-second is the steadier figure.
 *
 *   npx tsx bench/gen-flows.ts 1000000 && npx tsx bench/observe.ts [file=bench/out/flows-1m.jsonl]
 */
import { spawn } from 'node:child_process';
import { openSync, readFileSync, existsSync } from 'node:fs';

const file = process.argv[2] ?? 'bench/out/flows-1m.jsonl';
if (!existsSync(file)) {
  console.error(`missing ${file}: run npx tsx bench/gen-flows.ts first`);
  process.exit(1);
}
const lines = Number(readFileSync(file).reduce((n: number, b: number) => (b === 10 ? n + 1 : n), 0));

const queries: { name: string; args: string[]; hubble: number; factor: number }[] = [
  {
    name: 'filtered: --all --verdict DROPPED --namespace shop -o json',
    args: ['--all', '--verdict', 'DROPPED', '--namespace', 'shop', '-o', 'json'],
    hubble: 42_000,
    factor: 10,
  },
  { name: 'full dump: --all -o json', args: ['--all', '-o', 'json'], hubble: 17_600, factor: 5 },
  { name: 'full dump: --all -o compact', args: ['--all', '-o', 'compact'], hubble: 0, factor: 0 },
  { name: 'last 20 (default), no filter', args: [], hubble: 0, factor: 0 },
];

function peakKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of a process in seconds (fields 14 and 15 of /proc/PID/stat). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

for (const q of queries) {
  const out = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['bin/flowlens', 'observe', '--input-file', file, ...q.args], {
    stdio: ['ignore', out, 'inherit'],
  });
  let peak = 0;
  let cpu = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, peakKiB(child.pid!));
    cpu = Math.max(cpu, cpuSeconds(child.pid!));
  }, 20);
  const code: number = await new Promise((r) => child.on('exit', (c) => r(c ?? 1)));
  clearInterval(timer);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = lines / s;
  const target = q.hubble
    ? ` (target ${(q.hubble * q.factor).toLocaleString('en-US')}/s = ${q.factor}x hubble)`
    : '';
  console.log(
    `${q.name.padEnd(60)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} flows/s${target}, ${s.toFixed(2)} s, ${cpu.toFixed(2)} s CPU (${Math.round(lines / cpu).toLocaleString('en-US')} flows per CPU-s), peak ${(peak / 1024).toFixed(0)} MiB, exit ${code}`,
  );
}
