import { describe, expect, it } from 'vitest';
import { aggregateSql, graphSql, type CodeOf } from './sql.js';

/** Codes: verdict DROPPED = 2, l7_protocol dns = 5; anything else never occurred. */
const codeOf: CodeOf = (dim, value) =>
  dim === 'verdict' && value === 'DROPPED' ? 2 : dim === 'l7_protocol' && value === 'dns' ? 5 : undefined;

describe('DuckDB SQL: whereAny', () => {
  it('puts alternatives of coded dimensions in the inner query, on the narrow rows', () => {
    const sql = aggregateSql(
      {
        groupBy: ['source_namespace'],
        measure: 'flows',
        whereAny: [{ verdict: ['DROPPED', 'nope'] }, { l7_protocol: ['dns'] }, { verdict: ['nope'] }],
      },
      codeOf,
    );
    expect(sql).toContain(
      'WHERE (f.flags & 16) <> 0 AND ((f.c_verdict IN (2)) OR (f.c_l7_protocol IN (5)) OR (false))',
    );
  });

  it('puts alternatives naming endpoint dimensions in the outer query, over the joins', () => {
    const sql = aggregateSql(
      {
        groupBy: ['verdict'],
        measure: 'flows',
        where: { l7_protocol: ['dns'] },
        whereAny: [{ source_namespace: ["it's"], verdict: ['DROPPED'] }, { destination_namespace: ["it's"] }],
      },
      codeOf,
    );
    expect(sql).toContain('WHERE (f.flags & 16) <> 0 AND f.c_l7_protocol IN (5) GROUP BY ALL');
    expect(sql).toContain('LEFT JOIN endpoints s ON s.id = g.src');
    expect(sql).toContain('LEFT JOIN endpoints d ON d.id = g.dst');
    expect(sql).toContain(
      "WHERE ((g.c_verdict IN (2) AND coalesce(s.namespace, '') IN ('it''s')) OR (coalesce(d.namespace, '') IN ('it''s'))) GROUP BY k0",
    );
  });

  it('passes nothing for an empty list, everything for an empty alternative', () => {
    expect(aggregateSql({ groupBy: [], measure: 'flows', whereAny: [] }, codeOf)).toContain('AND false');
    expect(aggregateSql({ groupBy: [], measure: 'flows', whereAny: [{}] }, codeOf)).toContain('AND (true)');
  });

  it('filters graph rows the same way', () => {
    const sql = graphSql(
      {
        level: 'pod',
        whereAny: [{ source_workload: ['a'] }, { destination_workload: ['a'], verdict: ['DROPPED'] }],
      },
      codeOf,
    );
    expect(sql).toContain(
      "WHERE ((coalesce(s.workload, '') IN ('a')) OR (g.c_verdict IN (2) AND coalesce(d.workload, '') IN ('a'))) GROUP BY ALL",
    );
  });
});
