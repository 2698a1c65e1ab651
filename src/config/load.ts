/**
 * Merges settings from defaults < config file < environment < flags, converting and validating
 * each value on the way in so an error names the exact flag, variable or file key that was wrong.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ConfigError, coerce, envName, settingLabel, type Origin, type SettingSpec } from './settings.js';

/** The raw inputs of one load. */
export interface ConfigInputs {
  /** Parsed commander options (camelCase keys); absent = not given. */
  flags: Record<string, unknown>;
  env: Record<string, string | undefined>;
  /** Path of a YAML/JSON config file, if any. */
  configFile?: string;
}

/** Loaded values with where each came from. */
export interface LoadedSettings {
  values: Record<string, unknown>;
  origins: Record<string, Origin>;
  /** Human name of each setting as set (for later cross-field messages). */
  labels: Record<string, string>;
}

function camel(flag: string): string {
  return flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** Reads a config file into a plain object (YAML or JSON). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`, 'config');
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML/JSON: ${(err as Error).message}`, 'config');
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`config file ${path} must hold a mapping of settings`, 'config');
  return doc as Record<string, unknown>;
}

/** Loads every setting of `specs` from the inputs. */
export function loadSettings(specs: SettingSpec[], input: ConfigInputs): LoadedSettings {
  const values: Record<string, unknown> = {};
  const origins: Record<string, Origin> = {};
  const labels: Record<string, string> = {};
  const file = input.configFile ? readConfigFile(input.configFile) : {};
  const byFileKey = new Map<string, SettingSpec>();
  for (const s of specs) {
    byFileKey.set(s.key, s);
    byFileKey.set(s.flag, s);
  }
  for (const k of Object.keys(file)) {
    if (!byFileKey.has(k)) {
      const known = specs.map((s) => s.key).join(', ');
      throw new ConfigError(
        `unknown setting ${JSON.stringify(k)} in ${input.configFile}; known settings: ${known}`,
        k,
      );
    }
  }
  for (const s of specs) {
    let origin: Origin = 'default';
    let raw: unknown = s.default;
    const fileVal = file[s.key] ?? file[s.flag];
    if (fileVal !== undefined) {
      origin = 'file';
      raw = fileVal;
    }
    const envVal = input.env[envName(s)];
    if (envVal !== undefined && envVal !== '') {
      origin = 'env';
      raw = envVal;
    }
    const flagVal = input.flags[camel(s.flag)];
    if (flagVal !== undefined) {
      origin = 'flag';
      raw = flagVal;
    }
    const label = settingLabel(s, origin, input.configFile);
    labels[s.key] = label;
    origins[s.key] = origin;
    values[s.key] = raw === undefined ? undefined : coerce(s, raw, label);
  }
  return { values, origins, labels };
}

/**
 * Adds the settings as commander options, without commander defaults (so "not given" stays
 * visible and lower layers can apply). List settings may be repeated.
 */
export function addSettingOptions(cmd: Command, specs: SettingSpec[]): Command {
  for (const s of specs) {
    const arg = s.type === 'bool' ? '' : ` <${s.arg ?? 'value'}>`;
    const def = s.default === undefined || s.default === '' ? '' : ` (default: ${formatDefault(s.default)})`;
    const opt = new Option(`--${s.flag}${arg}`, `${s.help}${def} [env ${envName(s)}]`);
    if (s.type === 'list')
      opt.argParser((v: string, prev: string[] | undefined) => [
        ...(prev ?? []),
        ...v.split(',').filter((x) => x !== ''),
      ]);
    if (s.type === 'bool') {
      cmd.addOption(opt);
      cmd.addOption(new Option(`--no-${s.flag}`).hideHelp());
      continue;
    }
    if (s.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  return cmd;
}

function formatDefault(v: unknown): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}
