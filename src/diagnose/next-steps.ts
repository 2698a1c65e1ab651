/**
 * Builds the "next steps" of findings: exact `flowlens observe …` commands (hubble observe
 * flags, so they also work with `hubble observe`) over the same source and time range, and
 * `flowlens policy …` commands for policy drops.
 */
import { timeFromMillis } from '../flow/index.js';
import type { NextStep } from './types.js';

/** Where the diagnosed flows came from, so commands read the same flows. */
export interface ObserveSource {
  /** `--input-file` arguments (files or globs). */
  inputFiles?: string[];
  /** `--server HOST:PORT`. */
  server?: string;
}

const SAFE = /^[A-Za-z0-9_\-./:=,@+%]+$/;

/** Quotes an argument for a POSIX shell when needed. */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Formats epoch ms as an RFC 3339 second, rounded down (`up` rounds up). */
function second(ms: number, up = false): string {
  return timeFromMillis((up ? Math.ceil(ms / 1000) : Math.floor(ms / 1000)) * 1000);
}

/** Builds commands; one instance per report. */
export class NextStepBuilder {
  constructor(
    private readonly source: ObserveSource = {},
    private readonly policiesArgs: string[] = [],
  ) {}

  private sourceArgs(): string[] {
    if (this.source.inputFiles && this.source.inputFiles.length > 0)
      return this.source.inputFiles.flatMap((f) => ['--input-file', f]);
    if (this.source.server) return ['--server', this.source.server];
    return [];
  }

  /** `flowlens observe <source> --since A --until B <args>`. */
  observe(description: string, args: string[], range?: { fromMs: number; toMs: number }): NextStep {
    const parts = ['flowlens', 'observe', ...this.sourceArgs()];
    if (range && Number.isFinite(range.fromMs) && Number.isFinite(range.toMs))
      parts.push('--since', second(range.fromMs), '--until', second(range.toMs, true));
    parts.push(...args);
    return { description, command: parts.map(shellQuote).join(' ') };
  }

  /** `flowlens policy explain --uuid U <source> --policies P`. */
  explain(description: string, uuid: string): NextStep {
    const parts = ['flowlens', 'policy', 'explain', '--uuid', uuid, ...this.sourceArgs()];
    parts.push(...this.policiesArgs);
    return { description, command: parts.map(shellQuote).join(' ') };
  }
}
