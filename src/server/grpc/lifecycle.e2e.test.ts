/**
 * The server as a process: SIGTERM drains ingest, ends open streams and exits 0; TLS and mTLS
 * listeners; start-up refusals that name the setting.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runObserve } from '../../cli/observe/index.js';
import { loadServeConfig } from '../../config/index.js';
import { startLocalServer } from '../../cli/commands/local-server.js';
import { Code, GrpcError, ObserverClient, ServingStatus } from './index.js';

const root = new URL('../../../', import.meta.url).pathname;
const MAIN = join(root, 'src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'flowlens-lifecycle-'));

/** Starts `flowlens <args>` from the sources; resolves once `ready` appears on stdout. */
function cli(args: string[]): {
  child: ChildProcess;
  out: () => string;
  ready: (re: RegExp) => Promise<string>;
  exit: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(MAIN)}).then(m => m.main(['node', 'flowlens', ...process.argv.slice(1)])).then(c => { process.exitCode = c; })`,
      ...args,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const ready = async (re: RegExp) => {
    const end = Date.now() + 20_000;
    for (;;) {
      const m = re.exec(out);
      if (m) return m[1] ?? m[0];
      if (Date.now() > end || child.exitCode !== null) throw new Error(`not ready: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, out: () => out, ready, exit };
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('serve as a process', () => {
  it('drains on SIGTERM: ingest finishes, follow streams end, exit code 0', async () => {
    const log = join(dir, 'flows.jsonl');
    const lines = readFileSync(join(root, 'test/golden-hubble/input.jsonl'), 'utf8');
    writeFileSync(log, lines.repeat(20));
    const p = cli([
      'serve',
      '--source',
      `file:${log}`,
      '--grpc-listen',
      '127.0.0.1:0',
      '--http-listen',
      'off',
      '--metrics-listen',
      'off',
      '--node-name',
      'drain-test',
    ]);
    children.push(p.child);
    const target = await p.ready(/gRPC\s+(127\.0\.0\.1:\d+)/);
    const c = new ObserverClient(target);
    const end = Date.now() + 15_000;
    while ((await c.serverStatus()).seenFlows < 6000 && Date.now() < end)
      await new Promise((r) => setTimeout(r, 50));
    expect((await c.serverStatus()).seenFlows).toBe(6000);
    // A follower is connected when the signal arrives.
    let streamError: unknown;
    const following = (async () => {
      for await (const _ of c.getFlows({ follow: true }));
    })().catch((e: unknown) => (streamError = e));
    await new Promise((r) => setTimeout(r, 200));
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    await following;
    expect(streamError).toBeInstanceOf(GrpcError);
    expect([Code.UNAVAILABLE, Code.CANCELLED]).toContain((streamError as GrpcError).status);
    expect(p.out()).toMatch(/SIGTERM: draining and shutting down/);
    expect(p.out()).toMatch(/stopped/);
    c.close();
  });

  it('refuses to listen beyond loopback without a token or mTLS, naming the flag', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import(${JSON.stringify(MAIN)}).then(m => m.main(['node', 'flowlens', ...process.argv.slice(1)])).then(c => { process.exitCode = c; })`,
        'serve',
        '--grpc-listen',
        '0.0.0.0:0',
      ],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /flowlens serve: --grpc-listen 0\.0\.0\.0:0 is reachable beyond this machine: set --auth-token/,
    );
  });
});

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCerts(): Record<'ca' | 'caKey' | 'cert' | 'key' | 'clientCert' | 'clientKey', string> {
  const f = (n: string) => join(dir, n);
  const run = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  };
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=flowlens-test-ca',
  ]);
  writeFileSync(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, cn] of [
    ['server', '127.0.0.1'],
    ['client', 'client'],
  ]) {
    run([
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
      '-subj',
      `/CN=${cn}`,
    ]);
    run([
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f(`${name}.pem`),
      '-days',
      '2',
      ...(name === 'server' ? ['-extfile', f('san.ext')] : []),
    ]);
  }
  return {
    ca: f('ca.pem'),
    caKey: f('ca.key'),
    cert: f('server.pem'),
    key: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
  };
}

/** `flowlens observe` with captured output. */
async function observe(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (f: (t: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _e, cb) {
        f(chunk.toString());
        cb();
      },
    });
  const code = await runObserve(argv, {
    stdout: sink((t) => (out += t)),
    stderr: sink((t) => (err += t)),
    env: {},
    now: Date.now,
  });
  return { code, out, err };
}

describe.skipIf(!hasOpenssl)('TLS and mTLS', () => {
  it('serves gRPC over TLS, and with a client CA requires a client certificate', async () => {
    const c = makeCerts();
    const quiet = { log: () => {}, warn: () => {} };
    const cfg = loadServeConfig(
      {
        flags: {
          grpcListen: '127.0.0.1:0',
          httpListen: '127.0.0.1:0',
          metricsListen: 'off',
          tlsCert: c.cert,
          tlsKey: c.key,
          tlsClientCa: c.ca,
        },
        env: {},
      },
      (p) => readFileSync(p, 'utf8'),
    );
    const s = await startLocalServer(cfg, quiet);
    try {
      const target = `127.0.0.1:${s.grpc!.port}`;
      const ca = readFileSync(c.ca);
      const mtls = new ObserverClient(target, {
        tls: { ca, cert: readFileSync(c.clientCert), key: readFileSync(c.clientKey) },
      });
      expect(await mtls.health()).toBe(ServingStatus.SERVING);
      expect((await mtls.serverStatus()).version).toMatch(/^flowlens v/);
      mtls.close();
      const noCert = new ObserverClient(target, { tls: { ca }, connectTimeoutMs: 2000 });
      await expect(noCert.serverStatus({ timeoutMs: 3000 })).rejects.toBeInstanceOf(GrpcError);
      noCert.close();
      const plain = new ObserverClient(target, { connectTimeoutMs: 2000 });
      await expect(plain.serverStatus({ timeoutMs: 3000 })).rejects.toBeInstanceOf(GrpcError);
      plain.close();
      // The HTTP API is on TLS too.
      const https = await import('node:https');
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get(
            {
              host: '127.0.0.1',
              port: s.http!.port,
              path: '/healthz',
              ca,
              cert: readFileSync(c.clientCert),
              key: readFileSync(c.clientKey),
            },
            (res) => {
              let b = '';
              res.on('data', (d) => (b += d));
              res.on('end', () => resolve(b));
            },
          )
          .on('error', reject);
      });
      expect(JSON.parse(body)).toEqual({ status: 'ok' });
      // `flowlens observe` in live mode with hubble's TLS flags: a client certificate implies
      // TLS; without one the server refuses, and observe says so.
      const withCert = await observe([
        '--server',
        target,
        '--tls-ca-cert-files',
        c.ca,
        '--tls-client-cert-file',
        c.clientCert,
        '--tls-client-key-file',
        c.clientKey,
        '--last',
        '1',
      ]);
      expect(withCert).toEqual({ code: 0, out: '', err: '' });
      const without = await observe([
        '--server',
        target,
        '--tls',
        '--tls-ca-cert-files',
        c.ca,
        '--timeout',
        '2s',
      ]);
      expect(without.code).toBe(1);
      expect(without.err).toMatch(
        new RegExp(`^failed to get flows from '${target.replace(/\./g, '\\.')}': `),
      );
    } finally {
      await s.stop();
    }
  });

  it('lets observe pass a bearer token as basic auth over TLS only, as hubble does', async () => {
    const c = makeCerts();
    const token = 'flowlens-test-token-0123456789';
    const cfg = loadServeConfig(
      {
        flags: {
          grpcListen: '127.0.0.1:0',
          httpListen: 'off',
          metricsListen: 'off',
          tlsCert: c.cert,
          tlsKey: c.key,
          authToken: token,
        },
        env: {},
      },
      (p) => readFileSync(p, 'utf8'),
    );
    const s = await startLocalServer(cfg, { log: () => {}, warn: () => {} });
    try {
      const target = `127.0.0.1:${s.grpc!.port}`;
      const tls = ['--server', target, '--tls', '--tls-ca-cert-files', c.ca, '--last', '1'];
      const auth = (password: string) => ['--basic-auth-username', 'x', '--basic-auth-password', password];
      expect(await observe([...tls, ...auth(token)])).toEqual({ code: 0, out: '', err: '' });
      const wrong = await observe([...tls, ...auth('not-the-token-0123456789')]);
      expect(wrong.code).toBe(1);
      expect(wrong.err).toMatch(/Unauthenticated/);
      const clear = await observe(['--server', target, '--last', '1', ...auth(token)]);
      expect(clear).toEqual({
        code: 1,
        out: '',
        err: 'basic auth (--basic-auth-username, --basic-auth-password) requires TLS: add --tls or use a tls:// server address\n',
      });
    } finally {
      await s.stop();
    }
  });
});
