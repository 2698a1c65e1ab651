/**
 * Dictionary of coded dimension values (runs in the store worker): value <-> small integer per
 * dimension, persisted in the `dims` table. Code 0 is always the empty value and never stored.
 * Codes are never reused, so a code in any stored row keeps its meaning.
 */
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { CodeDim } from './sql.js';

/** The dictionary. */
export class DimDict {
  private readonly codes = new Map<string, Map<string, number>>();
  private readonly values = new Map<string, string[]>();
  private pending: [string, number, string][] = [];

  /** Loads the stored dictionary. */
  async load(con: DuckDBConnection): Promise<void> {
    const r = await con.runAndReadAll('SELECT dim, code, value FROM dims ORDER BY dim, code');
    for (const [dim, code, value] of r.getRows()) this.set(String(dim), Number(code), String(value));
  }

  private set(dim: string, code: number, value: string): void {
    let m = this.codes.get(dim);
    if (!m) this.codes.set(dim, (m = new Map([['', 0]])));
    let v = this.values.get(dim);
    if (!v) this.values.set(dim, (v = ['']));
    m.set(value, code);
    v[code] = value;
  }

  /** The code of a value, assigning (and queueing for storage) a new one when needed. */
  code(dim: CodeDim, value: string): number {
    if (value === '') return 0;
    const known = this.codes.get(dim)?.get(value);
    if (known !== undefined) return known;
    const code = this.values.get(dim)?.length ?? 1;
    this.set(dim, code, value);
    this.pending.push([dim, code, value]);
    return code;
  }

  /** The code of a value, or undefined when it never occurred. */
  codeOf(dim: CodeDim, value: string): number | undefined {
    return value === '' ? 0 : this.codes.get(dim)?.get(value);
  }

  /** The value of a code ('' for 0 or an unknown code). */
  value(dim: string, code: number): string {
    return this.values.get(dim)?.[code] ?? '';
  }

  /** Appends the codes assigned since the last call (inside the caller's transaction). */
  flush(app: DuckDBAppender): void {
    for (const [dim, code, value] of this.pending) {
      app.appendVarchar(dim);
      app.appendUInteger(code);
      app.appendVarchar(value);
      app.endRow();
    }
    this.pending = [];
    app.flushSync();
  }
}
