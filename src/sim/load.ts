/**
 * Loading scenarios: YAML parsing with positions, `extends` resolution, merging and defaults.
 * Built-in scenarios are YAML files in src/sim/scenarios/, found relative to this module both
 * when running from dist/ and from the sources (tsx, vitest).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError } from './errors.js';
import { Reader } from './reader.js';
import { defaultClusterSpec, defaultDnsSpec, type Scenario } from './schema.js';
import { positionOf, type SourceFile } from './source.js';
import { buildTopology } from './topology.js';
import { resolveFaults } from './faults.js';
import { readScenarioFile, type ScenarioFile } from './validate.js';

/** The directory holding the built-in scenario files (src/sim/scenarios of the package). */
export const BUILTIN_SCENARIO_DIR = fileURLToPath(new URL('../../src/sim/scenarios/', import.meta.url));

/** A built-in scenario's name and one-line description. */
export interface BuiltinScenarioInfo {
  name: string;
  description: string;
}

const DEFAULT_START = '2025-06-02T09:00:00Z';
const DEFAULT_DURATION = 10 * 60_000;

/** Parses YAML text into a SourceFile, turning syntax errors into located ScenarioErrors. */
export function parseSource(text: string, name: string): SourceFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const lp = lines.linePos(err.pos[0]);
    const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ScenarioError('SCENARIO_SYNTAX', `invalid YAML: ${msg}`, {
      file: name,
      line: lp.line,
      column: lp.col,
    });
  }
  return { name, doc, lines };
}

function readFile(path: string, display: string): ScenarioFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(
      'SCENARIO_NOT_FOUND',
      `cannot read scenario file: ${(e as Error).message}`,
      undefined,
      undefined,
      { cause: e },
    );
  }
  return parseScenarioFile(text, display);
}

/** Parses and validates the text of one scenario file (without resolving `extends`). */
export function parseScenarioFile(text: string, name: string): ScenarioFile {
  const src = parseSource(text, name);
  const value = src.doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (value === null || value === undefined)
    throw new ScenarioError('SCENARIO_INVALID', 'expected a scenario mapping, got an empty document', {
      file: name,
      line: 1,
      column: 1,
    });
  return readScenarioFile(new Reader(src, value, []));
}

/** Lists the built-in scenarios with their descriptions, sorted by name. */
export function listBuiltinScenarios(): BuiltinScenarioInfo[] {
  if (!existsSync(BUILTIN_SCENARIO_DIR)) return [];
  return readdirSync(BUILTIN_SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const file = readFile(resolvePath(BUILTIN_SCENARIO_DIR, f), `builtin:${f}`);
      return { name: file.name, description: file.description ?? '' };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The YAML text of a built-in scenario, or undefined when there is none of that name. */
export function builtinScenarioText(name: string): string | undefined {
  const path = resolvePath(BUILTIN_SCENARIO_DIR, `${name}.yaml`);
  return /^[a-z0-9-]+$/.test(name) && existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

function looksLikePath(ref: string): boolean {
  return ref.includes('/') || ref.includes('\\') || /\.ya?ml$/.test(ref);
}

function fileFor(ref: string, baseDir: string | undefined): { path: string; display: string } {
  if (!looksLikePath(ref)) {
    const text = builtinScenarioText(ref);
    if (text === undefined) {
      const known = listBuiltinScenarios().map((s) => s.name);
      throw new ScenarioError(
        'SCENARIO_NOT_FOUND',
        `no built-in scenario "${ref}" and no such file; built-ins: ${known.join(', ')}`,
      );
    }
    return { path: resolvePath(BUILTIN_SCENARIO_DIR, `${ref}.yaml`), display: `builtin:${ref}.yaml` };
  }
  const path = resolvePath(baseDir ?? process.cwd(), ref);
  return { path, display: baseDir ? path : ref };
}

/**
 * Loads a scenario by built-in name (`dns`, `healthy`, …) or by file path, resolving
 * `extends`, applying defaults and checking every reference (workloads, services, nodes,
 * ports). Throws ScenarioError naming file:line:column on any problem.
 *
 * @example const s = loadScenario('policy-drops'); // or loadScenario('./my-cluster.yaml')
 */
export function loadScenario(nameOrPath: string): Scenario {
  const { path, display } = fileFor(nameOrPath, undefined);
  return resolveScenario(readFile(path, display), dirname(path), [path]);
}

/** Builds a scenario from YAML text (e.g. from a test or an upload); `extends` is resolved from `baseDir`. */
export function scenarioFromText(text: string, name = 'scenario.yaml', baseDir?: string): Scenario {
  return resolveScenario(parseScenarioFile(text, name), baseDir ?? process.cwd(), [name]);
}

function resolveScenario(file: ScenarioFile, dir: string, chain: string[]): Scenario {
  let base: Scenario | undefined;
  if (file.extends) {
    let parent: ScenarioFile;
    let path: string;
    try {
      const f = fileFor(file.extends.ref, looksLikePath(file.extends.ref) ? dir : undefined);
      path = f.path;
      if (chain.includes(path))
        throw file.extends.reader.error(`"extends" forms a cycle: ${[...chain, path].join(' -> ')}`);
      parent = readFile(path, f.display);
    } catch (e) {
      if (e instanceof ScenarioError && e.code === 'SCENARIO_NOT_FOUND')
        throw file.extends.reader.error(e.detail);
      throw e;
    }
    base = resolveScenario(parent, dirname(path), [...chain, path]);
  }
  const s = merge(base, file);
  resolveFaults(buildTopology(s)); // checks references; throws located errors
  return s;
}

function merge(base: Scenario | undefined, f: ScenarioFile): Scenario {
  const s: Scenario = {
    origin: f.origin,
    name: f.name,
    description: f.description ?? base?.description ?? '',
    start: f.start ?? base?.start ?? DEFAULT_START,
    duration: f.duration ?? base?.duration ?? DEFAULT_DURATION,
    cluster: { ...defaultClusterSpec, ...base?.cluster, ...f.cluster },
    dns: { ...defaultDnsSpec, ...base?.dns, ...f.dns },
    nodes: f.nodes ?? base?.nodes ?? [],
    namespaces: [...(base?.namespaces ?? []), ...f.namespaces],
    workloads: [...(base?.workloads ?? []), ...f.workloads],
    services: [...(base?.services ?? []), ...f.services],
    external: [...(base?.external ?? []), ...f.external],
    traffic: [...(base?.traffic ?? []), ...f.traffic],
    policies: [...(base?.policies ?? []), ...f.policies],
    faults: [...(base?.faults ?? []), ...f.faults],
  };
  if (s.nodes.length === 0) {
    s.nodes = [0, 1, 2].map((i) => ({ name: `aks-nodepool1-12345678-vmss${String(i).padStart(6, '0')}` }));
  }
  return s;
}

/** Position helper re-exported for callers that report their own errors on scenario items. */
export { positionOf };
