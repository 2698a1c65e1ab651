/**
 * Maps field paths of a parsed YAML document back to file positions, so validation errors found
 * on plain objects can point at `file:line:column`.
 */
import { isMap, isSeq, isNode, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { formatPath, type FieldPath } from '../policy/index.js';
import { ScenarioError, type SourcePos } from './errors.js';

/** A loaded scenario file: its name, YAML document and line index. */
export interface SourceFile {
  name: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

/** Where a validated item came from: a file and the path of the item within it. */
export interface Origin {
  file: SourceFile;
  path: FieldPath;
}

/**
 * The position of `path` in the file. With `key`, points at the key of the last path element
 * (useful for unknown-field errors); otherwise at its value. Falls back to the deepest existing
 * ancestor when the path does not exist (a missing field is reported at its parent).
 */
export function positionOf(file: SourceFile, path: FieldPath, key = false): SourcePos {
  let node: unknown = file.doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(p),
      );
      if (!pair) break;
      if (last && key) {
        offset = rangeStart(pair.key) ?? offset;
        break;
      }
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof p === 'number') {
      const item = node.items[p];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  const lp = file.lines.linePos(offset);
  return { file: file.name, line: lp.line, column: lp.col };
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) ? (node as Node).range?.[0] : undefined;
}

/** Builds a ScenarioError located at `path` of `origin` (relative to the origin's own path). */
export function errorAt(
  origin: Origin,
  relPath: FieldPath,
  detail: string,
  opts: { key?: boolean; code?: 'SCENARIO_INVALID' | 'SCENARIO_REFERENCE' } = {},
): ScenarioError {
  const full = [...origin.path, ...relPath];
  return new ScenarioError(
    opts.code ?? 'SCENARIO_INVALID',
    detail,
    positionOf(origin.file, full, opts.key),
    full.length > 0 ? formatPath(full) : undefined,
  );
}
