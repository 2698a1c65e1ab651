import { describe, expect, it } from 'vitest';
import { describeAddress, describeRaw, isClickHouseUrl, parseClickHouseUrl, redact } from './url.js';

describe('ClickHouse store address', () => {
  it('parses clickhouse:// (HTTP) and clickhouses:// (HTTPS) with defaults', () => {
    expect(parseClickHouseUrl('clickhouse://127.0.0.1')).toEqual({
      url: 'http://127.0.0.1:8123',
      database: 'flowlens',
      username: undefined,
      password: undefined,
    });
    expect(parseClickHouseUrl('clickhouses://ch.example:9443/flows_prod')).toMatchObject({
      url: 'https://ch.example:9443',
      database: 'flows_prod',
    });
    expect(parseClickHouseUrl('http://u:p%40ss@h:8124/db')).toEqual({
      url: 'http://h:8124',
      database: 'db',
      username: 'u',
      password: 'p@ss',
    });
    expect(parseClickHouseUrl('clickhouse://[::1]:8123/x').url).toBe('http://[::1]:8123');
  });
  it('rejects what it cannot use, without echoing the password', () => {
    expect(() => parseClickHouseUrl('postgres://h/db')).toThrow(/clickhouse:\/\//);
    expect(() => parseClickHouseUrl('clickhouse://h/bad-name')).toThrow(/database name/);
    expect(() => parseClickHouseUrl('clickhouse://h/db?x=1')).toThrow(/query/);
    expect(() => parseClickHouseUrl('clickhouse://u:secret@')).toThrow();
    try {
      parseClickHouseUrl('clickhouse://u:secret@h:99999/db');
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });
  it('describes addresses without credentials', () => {
    const a = parseClickHouseUrl('clickhouse://u:secret@h/db');
    expect(describeAddress(a)).toBe('http://h:8123/db');
    expect(describeRaw('clickhouse://u:secret@h/db')).toBe('clickhouse://***@h/db');
    expect(redact('auth failed for secret', 'secret')).toBe('auth failed for ***');
    expect(redact('x', undefined)).toBe('x');
    expect(isClickHouseUrl('clickhouse://h')).toBe(true);
    expect(isClickHouseUrl('/var/lib/x')).toBe(false);
  });
});
