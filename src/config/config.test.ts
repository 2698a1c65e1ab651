import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  addSettingOptions,
  commonSettings,
  loadRelayConfig,
  loadServeConfig,
  parseDurationMs,
  parseListen,
  parseSize,
  serveSettings,
} from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-config-'));
const read = (p: string) => readFileSync(p, 'utf8');

function flags(argv: string[]): Record<string, unknown> {
  const cmd = addSettingOptions(new Command('serve').exitOverride(), [...commonSettings, ...serveSettings]);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

describe('value parsers', () => {
  const cases: { name: string; got: unknown; want: unknown }[] = [
    { name: 'duration 1h30m', got: parseDurationMs('1h30m'), want: 5_400_000 },
    { name: 'duration bare seconds', got: parseDurationMs('2.5'), want: 2500 },
    { name: 'duration rejects 5x', got: parseDurationMs('5x'), want: undefined },
    { name: 'size 512MiB', got: parseSize('512MiB'), want: 512 * 1024 * 1024 },
    { name: 'size 2GB', got: parseSize('2GB'), want: 2e9 },
    { name: 'size rejects 2 parsecs', got: parseSize('2parsecs'), want: undefined },
    {
      name: 'listen :4245 means all interfaces',
      got: parseListen(':4245'),
      want: { host: '0.0.0.0', port: 4245 },
    },
    { name: 'listen [::1]:80', got: parseListen('[::1]:80'), want: { host: '::1', port: 80 } },
    { name: 'listen rejects port 70000', got: parseListen('127.0.0.1:70000'), want: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(c.got).toEqual(c.want));
});

describe('serve config precedence: flags > env > file > defaults', () => {
  const file = join(dir, 'flowlens.yaml');
  writeFileSync(
    file,
    'grpcListen: 127.0.0.1:5000\nhttp-listen: 127.0.0.1:5001\nringCapacity: 1023\nsource: [simulator]\n',
  );

  it('uses defaults when nothing is set', () => {
    const c = loadServeConfig({ flags: {}, env: {} }, read);
    expect(c.grpcListen).toEqual({ host: '127.0.0.1', port: 4245 });
    expect(c.httpListen).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(c.metricsListen).toEqual({ host: '127.0.0.1', port: 9965 });
    expect(c.retentionMs).toBe(24 * 3600 * 1000);
    expect(c.nodeName.length).toBeGreaterThan(0);
  });

  it('lets the file override defaults, env override the file and flags override env', () => {
    const env = { FLOWLENS_HTTP_LISTEN: '127.0.0.1:6001', FLOWLENS_RING_CAPACITY: '2047' };
    const c = loadServeConfig({ flags: flags(['--ring-capacity', '4095']), env, configFile: file }, read);
    expect(c.grpcListen).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(c.httpListen).toEqual({ host: '127.0.0.1', port: 6001 });
    expect(c.ringCapacity).toBe(4095);
    expect(c.sources).toEqual(['simulator']);
  });

  it('collects repeated --source flags', () => {
    const c = loadServeConfig(
      { flags: flags(['--source', 'simulator:dns', '--source', 'file:/tmp/x.log']), env: {} },
      read,
    );
    expect(c.sources).toEqual(['simulator:dns', 'file:/tmp/x.log']);
  });

  it('disables a listener with "off"', () => {
    expect(
      loadServeConfig({ flags: flags(['--metrics-listen', 'off']), env: {} }, read).metricsListen,
    ).toBeUndefined();
  });
});

describe('serve config validation names the setting', () => {
  const cases: {
    name: string;
    flags?: string[];
    env?: Record<string, string>;
    file?: string;
    want: RegExp;
  }[] = [
    { name: 'bad listen flag', flags: ['--grpc-listen', 'nowhere'], want: /invalid --grpc-listen "nowhere"/ },
    {
      name: 'bad env integer',
      env: { FLOWLENS_RING_CAPACITY: 'lots' },
      want: /invalid FLOWLENS_RING_CAPACITY "lots": want an integer/,
    },
    { name: 'bad file duration', file: 'retention: soon\n', want: /invalid retention \(in .*\) "soon"/ },
    { name: 'unknown file key', file: 'grpc_listen: x\n', want: /unknown setting "grpc_listen"/ },
    {
      name: 'public gRPC without auth',
      flags: ['--grpc-listen', '0.0.0.0:4245'],
      want: /--grpc-listen 0.0.0.0:4245 is reachable beyond this machine: set --auth-token/,
    },
    {
      name: 'public HTTP from env without auth',
      env: { FLOWLENS_HTTP_LISTEN: ':4000' },
      want: /FLOWLENS_HTTP_LISTEN 0.0.0.0:4000 is reachable beyond/,
    },
    {
      name: 'cert without key',
      flags: ['--tls-cert', '/x.pem'],
      want: /--tls-key is required with --tls-cert/,
    },
    {
      name: 'short token',
      flags: ['--auth-token', 'abc'],
      want: /--auth-token must be at least 16 characters/,
    },
    { name: 'bad source', flags: ['--source', 'ftp:x'], want: /invalid --source "ftp:x"/ },
    {
      name: 'ring too large',
      flags: ['--ring-capacity', '999999999'],
      want: /invalid --ring-capacity "999999999": must be at most/,
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name}`, () => {
      let configFile: string | undefined;
      if (c.file) {
        configFile = join(dir, `${c.name.replace(/\W/g, '-')}.yaml`);
        writeFileSync(configFile, c.file);
      }
      expect(() =>
        loadServeConfig({ flags: flags(c.flags ?? []), env: c.env ?? {}, configFile }, read),
      ).toThrow(c.want);
    });
  }

  it('accepts a public address with a token', () => {
    const c = loadServeConfig(
      { flags: flags(['--grpc-listen', '0.0.0.0:4245', '--auth-token', 'x'.repeat(24)]), env: {} },
      read,
    );
    expect(c.authToken).toBe('x'.repeat(24));
  });
});

describe('relay config', () => {
  it('requires peers and validates them', () => {
    expect(() => loadRelayConfig({ flags: {}, env: {} }, read)).toThrow(/at least one peer/);
    expect(() => loadRelayConfig({ flags: { peer: ['nohost'] }, env: {} }, read)).toThrow(
      /invalid --peer "nohost"/,
    );
    const c = loadRelayConfig({ flags: { peer: ['10.0.0.1:4244', 'node-b:4244'] }, env: {} }, read);
    expect(c.peers).toEqual(['10.0.0.1:4244', 'node-b:4244']);
    expect(c.sortBufferMax).toBe(100);
    expect(c.sortDrainMs).toBe(1000);
  });
});
