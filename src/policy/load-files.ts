/**
 * Reads `--policies PATH` (a YAML/JSON file, or a folder walked recursively for .yaml, .yml and
 * .json files) into a PolicyCatalog. Node-only adapter around the pure catalog parser.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addText, emptyCatalog, type PolicyCatalog } from './catalog.js';

/** A path that cannot be read. */
export class PolicyFilesError extends Error {
  readonly code = 'POLICY_FILES';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyFilesError';
  }
}

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
}

/** The files a `--policies` path stands for. */
export function policyFiles(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new PolicyFilesError(
      `cannot read policies from ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      { cause: e },
    );
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  walk(path, out);
  return out;
}

/** Loads every file of every path into one catalog (errors per document are in `catalog.errors`). */
export function loadPolicyFiles(
  paths: string[],
  catalog: PolicyCatalog = emptyCatalog(),
  defaultNamespace?: string,
): PolicyCatalog {
  for (const path of paths) {
    for (const f of policyFiles(path)) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch (e) {
        throw new PolicyFilesError(`cannot read ${f}: ${(e as Error).message}`, { cause: e });
      }
      addText(catalog, text, f, defaultNamespace);
    }
  }
  return catalog;
}
