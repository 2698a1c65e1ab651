import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addSettingOptions, commonSettings, loadServeConfig, serveSettings } from '../../config/index.js';

function flags(argv: string[]): Record<string, unknown> {
  const cmd = addSettingOptions(new Command('serve').exitOverride(), [...commonSettings, ...serveSettings]);
  cmd.parse(argv, { from: 'user' });
  return cmd.opts();
}

const files: Record<string, string> = { '/pw': 'file-secret-123\n' };
const readFile = (p: string): string => {
  if (p in files) return files[p];
  throw new Error(`ENOENT: ${p}`);
};
const load = (argv: string[], env: Record<string, string> = {}) =>
  loadServeConfig({ flags: flags(argv), env }, readFile);

describe('serve --store-url (ClickHouse store)', () => {
  it('is off by default', () => {
    expect(load([]).clickhouse).toBeUndefined();
  });

  it('takes the address, user and password from flags, environment or a file', () => {
    expect(
      load(['--store-url', 'clickhouse://ch:8123/fl', '--store-user', 'u'], {
        FLOWLENS_STORE_PASSWORD: 'env-secret',
      }).clickhouse,
    ).toEqual({
      url: 'clickhouse://ch:8123/fl',
      username: 'u',
      password: 'env-secret',
      describe: 'http://ch:8123/fl',
    });
    expect(load(['--store-url', 'clickhouse://ch', '--store-password-file', '/pw']).clickhouse).toMatchObject(
      {
        password: 'file-secret-123',
        describe: 'http://ch:8123/flowlens',
      },
    );
    expect(load([], { FLOWLENS_STORE_URL: 'clickhouses://u:p@ch/x' }).clickhouse).toMatchObject({
      username: 'u',
      password: 'p',
      describe: 'https://ch:8443/x',
    });
  });

  const bad: { name: string; argv: string[]; env?: Record<string, string>; want: RegExp }[] = [
    {
      name: 'with --store-dir',
      argv: ['--store-url', 'clickhouse://h', '--store-dir', '/d'],
      want: /--store-dir and --store-url cannot be combined/,
    },
    {
      name: 'a wrong scheme',
      argv: ['--store-url', 'mysql://h/db'],
      want: /invalid --store-url mysql:\/\/h\/db/,
    },
    {
      name: 'a bad database',
      argv: ['--store-url', 'clickhouse://h/x-y'],
      want: /invalid --store-url .*database name/,
    },
    { name: 'a user without a url', argv: ['--store-user', 'u'], want: /--store-user needs --store-url/ },
    {
      name: 'a password without a url',
      argv: [],
      env: { FLOWLENS_STORE_PASSWORD: 'x' },
      want: /FLOWLENS_STORE_PASSWORD needs --store-url/,
    },
    {
      name: 'password and password file',
      argv: ['--store-url', 'clickhouse://h', '--store-password', 'a', '--store-password-file', '/pw'],
      want: /--store-password and --store-password-file cannot be combined/,
    },
    {
      name: 'an unreadable password file',
      argv: ['--store-url', 'clickhouse://h', '--store-password-file', '/nope'],
      want: /cannot read --store-password-file \/nope/,
    },
    {
      name: 'two users',
      argv: ['--store-url', 'clickhouse://a@h', '--store-user', 'b'],
      want: /already names a user/,
    },
    {
      name: 'two passwords',
      argv: ['--store-url', 'clickhouse://a:s3cr3t@h', '--store-password', 'b'],
      want: /already carries a password/,
    },
  ];
  for (const c of bad) {
    it(`rejects ${c.name}, naming the setting and never the password`, () => {
      let msg = '';
      try {
        load(c.argv, c.env);
      } catch (e) {
        msg = (e as Error).message;
      }
      expect(msg).toMatch(c.want);
      expect(msg).not.toMatch(/s3cr3t|file-secret/);
    });
  }

  it('never shows a password of a URL that does not parse', () => {
    let msg = '';
    try {
      load(['--store-url', 'clickhouse://u:s3cr3t@h:99999/db']);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/invalid --store-url clickhouse:\/\/\*\*\*@h:99999\/db/);
    expect(msg).not.toContain('s3cr3t');
  });
});
