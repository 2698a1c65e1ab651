/**
 * Starts `node bin/flowlens serve` for the browser suite on an ephemeral loopback port and stops
 * it again (SIGTERM, then SIGKILL after a grace period). The suite owns every process it starts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface Served {
  proc: ChildProcess;
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  output: () => string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  sources: string[];
  /** Fixed port (for restart tests); default ephemeral. */
  port?: number;
  extra?: string[];
  /** Data written to stdin (for `--source stdin`); the caller may keep writing to proc.stdin. */
  stdin?: boolean;
  env?: Record<string, string>;
}

/** Starts serve and waits until /readyz answers. */
export async function startServe(o: ServeOptions): Promise<Served> {
  const args = [
    join(ROOT, 'bin/flowlens'),
    'serve',
    ...o.sources.flatMap((s) => ['--source', s]),
    '--http-listen',
    `127.0.0.1:${o.port ?? 0}`,
    '--grpc-listen',
    'off',
    '--metrics-listen',
    'off',
    '--node-name',
    'browser-suite',
    ...(o.extra ?? []),
  ];
  const proc = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...o.env },
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s:\n${out}`)), 60_000);
    const check = () => {
      const m = /HTTP\s+127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    proc,
    url,
    port,
    output: () => out,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      const killed = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8000)),
      ]);
      if (!killed) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}
