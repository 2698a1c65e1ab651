import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  aggregateSql,
  dropPartitionSql,
  filterConds,
  flowConds,
  fragmentSql,
  graphSql,
  ident,
  int,
  lit,
  pageSql,
  schemaSql,
  timeNs,
  tsv,
  uint,
} from './sql.js';

/** Reads a ClickHouse string literal back (the server's unescaping rules), for round-trip checks. */
function unlit(s: string): string {
  expect(s.startsWith("'") && s.endsWith("'")).toBe(true);
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const n = body[++i];
      out += n === '0' ? '\0' : n;
    } else {
      // An unescaped quote would end the literal early.
      expect(c).not.toBe("'");
      out += c;
    }
  }
  return out;
}

function untsv(s: string): string {
  const map: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r', '0': '\0' };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') out += map[s[++i]];
    else {
      expect(s[i]).not.toMatch(/[\t\n\r\0]/);
      out += s[i];
    }
  }
  return out;
}

describe('lit: the SQL string escaper', () => {
  it('escapes quotes, backslashes and NUL', () => {
    expect(lit("it's")).toBe("'it\\'s'");
    expect(lit('a\\b')).toBe("'a\\\\b'");
    expect(lit("\\'")).toBe("'\\\\\\''");
    expect(lit('x\0y')).toBe("'x\\0y'");
    expect(lit("'); DROP TABLE flows; --")).toBe("'\\'); DROP TABLE flows; --'");
    expect(lit('')).toBe("''");
  });
  it('round-trips any string and never ends the literal early', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(unlit(lit(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
  it('rejects non-strings', () => {
    expect(() => lit(1 as never)).toThrow(TypeError);
  });
});

describe('tsv: the TabSeparated field escaper', () => {
  it('escapes the separators and backslash', () => {
    expect(tsv('a\tb\nc\\d\re\0')).toBe('a\\tb\\nc\\\\d\\re\\0');
  });
  it('round-trips any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(untsv(tsv(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('numbers and identifiers', () => {
  it('accepts only safe integers, UInt64 text and plain names', () => {
    expect(int(42)).toBe('42');
    expect(() => int(1.5)).toThrow();
    expect(() => int(NaN)).toThrow();
    expect(() => int(2 ** 60)).toThrow();
    expect(uint('18446744073709551615')).toBe('18446744073709551615');
    expect(() => uint('1 OR 1')).toThrow();
    expect(() => uint('-1')).toThrow();
    expect(() => uint('01')).toThrow();
    expect(ident('flowlens')).toBe('`flowlens`');
    expect(() => ident('a`b')).toThrow();
    expect(() => ident('1x')).toThrow();
  });
  it('gives nanosecond times as UInt64 text, clamped', () => {
    expect(timeNs({ secs: 1_763_625_600, nanos: 5 })).toBe('1763625600000000005');
    expect(timeNs({ secs: 0, nanos: 7 })).toBe('7');
    expect(timeNs({ secs: -5, nanos: 0 })).toBe('0');
  });
});

describe('generated SQL', () => {
  it('creates the 18.16 subset schema', () => {
    const ddl = schemaSql('fl');
    expect(ddl[0]).toBe('CREATE DATABASE IF NOT EXISTS `fl`');
    const flows = ddl[1];
    expect(flows).toContain('time_ns UInt64');
    expect(flows).toContain('time DateTime MATERIALIZED toDateTime(intDiv(time_ns, 1000000000))');
    expect(flows).toContain("protocol Enum8('' = 0, 'TCP' = 1");
    expect(flows).toContain("is_reply Enum8('' = 0, 'true' = 1, 'false' = 2)");
    expect(flows).toContain('src_namespace String');
    expect(flows).toMatch(/ENGINE = MergeTree PARTITION BY toDate\(time\) ORDER BY seq$/);
    expect(flows).not.toMatch(/DateTime64|LowCardinality|TTL|CODEC|INDEX/);
    expect(ddl[2]).toBe(
      'CREATE TABLE IF NOT EXISTS `fl`.endpoints (day Date, id UInt64, json String) ENGINE = MergeTree PARTITION BY day ORDER BY id',
    );
    expect(ddl[5]).toContain('ReplacingMergeTree(ver)');
  });

  it('bounds by seq, time (pruning on `time`, exact on `time_ns`) and the retention floor', () => {
    expect(
      flowConds(
        { fromSeq: 5, toSeq: 9, since: { secs: 100, nanos: 5 }, until: { secs: 200, nanos: 0 } },
        '7000000000',
        true,
      ),
    ).toEqual([
      'bitAnd(flags, 16) != 0',
      'time_ns >= 7000000000',
      'seq >= 5',
      'seq < 9',
      'time >= toDateTime(100)',
      'time_ns >= 100000000005',
      'time <= toDateTime(200)',
      'time_ns <= 200000000000',
    ]);
    expect(flowConds({ toSeq: 0 }, '0', false)).toEqual(['0']);
    expect(flowConds({ until: { secs: -1, nanos: 0 } }, '0', false)).toEqual(['0']);
  });

  it('filters dimensions with escaped literals; enum values outside the set match nothing', () => {
    expect(filterConds({ source_namespace: ["it's"], verdict: ['DROPPED', 'ERROR'] })).toEqual([
      "src_namespace IN ('it\\'s')",
      "verdict IN ('DROPPED', 'ERROR')",
    ]);
    expect(filterConds({ protocol: ['TCP', "x'"], l7_protocol: ['nope'], verdict: [] })).toEqual([
      "protocol IN ('TCP')",
      '0',
      '0',
    ]);
    expect(filterConds({ destination_port: ['53'] })).toEqual([
      "if(dport = 0, '', toString(dport)) IN ('53')",
    ]);
    expect(() => filterConds({ ['nope' as never]: ['x'] })).toThrow(/unknown dimension/);
  });

  it('ORs the alternatives of whereAny (ANDed with where); none passes nothing', () => {
    expect(
      filterConds({ l7_protocol: ['dns'] }, [
        { source_namespace: ["it's"], verdict: ['DROPPED', '2'] },
        { destination_namespace: ["it's"] },
        {},
      ]),
    ).toEqual([
      "l7_protocol IN ('dns')",
      "((src_namespace IN ('it\\'s') AND verdict IN ('DROPPED', '2')) OR (dst_namespace IN ('it\\'s')) OR 1)",
    ]);
    expect(filterConds(undefined, [])).toEqual(['0']);
    expect(filterConds(undefined, [{ tcp_flag: ['SYN', 'SYN,ACK'] }, { protocol: ['nope'] }])).toEqual([
      "((tcp_flag IN ('SYN', 'SYN,ACK')) OR (0))",
    ]);
    const sql = aggregateSql(
      'fl',
      {
        groupBy: ['verdict'],
        measure: 'flows',
        whereAny: [{ source_workload: ['a'] }, { destination_workload: ['a'] }],
      },
      '0',
    );
    expect(sql).toBe(
      "SELECT verdict AS k0, toInt64(-1) AS b, count() AS flows, count() AS value FROM `fl`.flows WHERE bitAnd(flags, 16) != 0 AND ((src_workload IN ('a')) OR (dst_workload IN ('a'))) GROUP BY k0",
    );
    expect(graphSql('fl', { level: 'pod', whereAny: [{ node: ['n'] }], toSeq: 1 }, '0')).toContain(
      "AND seq < 1 AND ((node IN ('n')))",
    );
  });

  it('aggregates: totals and per-bucket points in one UNION ALL (no GROUPING SETS on 18.16)', () => {
    const sql = aggregateSql(
      'fl',
      { groupBy: ['verdict', 'destination_port'], measure: 'flows', step: 60 },
      '0',
    );
    expect(sql).toBe(
      "SELECT verdict AS k0, if(dport = 0, '', toString(dport)) AS k1, toInt64(-1) AS b, count() AS flows, count() AS value FROM `fl`.flows WHERE bitAnd(flags, 16) != 0 GROUP BY k0, k1" +
        " UNION ALL SELECT verdict AS k0, if(dport = 0, '', toString(dport)) AS k1, toInt64(intDiv(toUInt32(time), 60)) * 60000 AS b, count() AS flows, count() AS value FROM `fl`.flows WHERE bitAnd(flags, 16) != 0 GROUP BY k0, k1, b",
    );
    expect(aggregateSql('fl', { groupBy: [], measure: 'flows' }, '0')).toBe(
      'SELECT toInt64(-1) AS b, count() AS flows, count() AS value FROM `fl`.flows WHERE bitAnd(flags, 16) != 0',
    );
    expect(aggregateSql('fl', { groupBy: ['l7_protocol'], measure: 'latency_mean_ms' }, '0')).toContain(
      'sumIf(lat, bitAnd(flags, 8) != 0) / countIf(bitAnd(flags, 8) != 0) / 1e6 AS value',
    );
    const p95 = aggregateSql('fl', { groupBy: [], measure: 'latency_p95_ms' }, '0');
    expect(p95).toContain('arraySort(groupArrayIf(lat, bitAnd(flags, 8) != 0))');
    expect(p95).not.toMatch(/quantile\(/);
    expect(aggregateSql('fl', { groupBy: ['is_reply'], measure: 'flows', toSeq: 10 }, '5')).toContain(
      'toString(is_reply) AS k0',
    );
  });

  it('graph rows fold replies into the request edge', () => {
    const sql = graphSql('fl', { level: 'pod', where: { verdict: ['DROPPED'] }, toSeq: 100 }, '0');
    expect(sql).toContain("if(is_reply = 'true', dst_kind, src_kind) AS x0");
    expect(sql).toContain("if(is_reply = 'true', dst_pod, src_pod) AS x2");
    expect(sql).toContain("if(is_reply = 'true', src_kind, dst_kind) AS x5");
    expect(sql).toContain("if(is_reply = 'true', sport, dport) AS x10");
    expect(sql).toContain("WHERE bitAnd(flags, 16) != 0 AND seq < 100 AND verdict IN ('DROPPED')");
    expect(sql).toMatch(/GROUP BY x0, x1, .*, x17$/);
    expect(graphSql('fl', { level: 'workload' }, '0')).toContain(
      "if(is_reply = 'true', dst_workload, src_workload) AS x2",
    );
  });

  it('pages read a pruned seq window', () => {
    expect(pageSql('fl', { lo: 10, hi: 4106, order: 'desc', limit: 3 }, '0')).toBe(
      'SELECT seq, time_ns, flags, uuid, src_id, dst_id, l7_id, rest_id, sport, dport, lat FROM `fl`.flows WHERE seq >= 10 AND seq < 4106 ORDER BY seq DESC LIMIT 3',
    );
    expect(fragmentSql('fl', 'l7', ['1', '18446744073709551615'])).toBe(
      'SELECT toString(id), any(json) FROM `fl`.l7s WHERE id IN (1, 18446744073709551615) GROUP BY id',
    );
    expect(() => fragmentSql('fl', 'l7', ['1); DROP TABLE x'])).toThrow();
  });

  it('drops partitions by validated day', () => {
    expect(dropPartitionSql('fl', 'flows', '2026-11-20')).toBe(
      "ALTER TABLE `fl`.flows DROP PARTITION '2026-11-20'",
    );
    expect(() => dropPartitionSql('fl', 'flows', "2026'")).toThrow();
  });
});
