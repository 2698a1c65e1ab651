/**
 * `flowlens diagnose`: finds the root causes in a flow log (`--input-file`) or on a running
 * server (`--server`), ranked, with evidence, explanations and the `flowlens observe` commands
 * that show the flows. `-o text|json|markdown`; `--policies` attributes policy drops.
 */
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  defaultRuleRegistry,
  diagnose,
  formatReport,
  REPORT_FORMATS,
  type DiagnosisReport,
  type ReportFormat,
  type Severity,
} from '../../diagnose/index.js';
import { accumulateFlowLogs } from '../../diagnose/input/read.js';
import { fetchDiagnosis, fetchFlows } from '../../diagnose/input/server.js';
import { DiagnosisAccumulator, shellQuote } from '../../diagnose/index.js';
import { timeFromParts } from '../../flow/index.js';
import {
  createDropAttributor,
  emptyCatalog,
  formatCatalogError,
  policyCount,
  type PolicyCatalog,
} from '../../policy/analysis.js';
import { loadPoliciesFromCluster } from '../../policy/kube-api.js';
import { loadPolicyFiles } from '../../policy/load-files.js';
import { parseTimeArg } from '../observe/time-arg.js';
import { parseGoDuration } from '../observe/go-duration.js';
import type { CliCommand } from './types.js';

/** Streams and clock; injectable for tests. */
export interface DiagnoseIO {
  stdout: Writable;
  stderr: Writable;
  now: () => number;
  isTTY: boolean;
}

interface DiagnoseFlags {
  inputFile?: string[];
  server?: string;
  since?: string;
  until?: string;
  output: string;
  policies?: string[];
  policiesFromCluster?: boolean;
  rules?: string;
  minSeverity?: string;
  bucket?: string;
  workers?: string;
  color?: string;
  listRules?: boolean;
  failOn?: string;
}

const HELP_AFTER = `
Rules: dns, policy-drop, drop, imbalance, tcp-reset, l7-errors, latency (--list-rules).
With --since, the same length of time before it is read too and serves as the baseline.

Examples:
  flowlens diagnose --input-file flows.json
  flowlens diagnose --input-file 'logs/*.json.gz' --since 2025-06-02T09:00:00Z --until 2025-06-02T10:00:00Z -o markdown
  flowlens diagnose --input-file flows.json --policies ./k8s/policies -o json
  flowlens diagnose --server localhost:8080 --since 15m
`;

/** A usage problem (exit 2). */
class UsageError extends Error {}

function timeArg(v: string | undefined, now: number, flag: string): string | undefined {
  if (v === undefined) return undefined;
  try {
    const t = parseTimeArg(v, now);
    return timeFromParts(t.seconds, t.nanos);
  } catch {
    throw new UsageError(
      `invalid ${flag} "${v}": expected RFC 3339 (2025-06-02T09:00:00Z) or a duration ago (15m)`,
    );
  }
}

function bucketMs(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  try {
    const ms = Number(parseGoDuration(v) / 1_000_000n);
    if (ms >= 1) return ms;
  } catch {
    /* fall through */
  }
  throw new UsageError(`invalid --bucket "${v}": expected a duration such as 10s or 1m`);
}

/** Loads --policies files and/or the cluster's policies; reports document errors on stderr. */
export async function loadCatalog(
  paths: string[] | undefined,
  fromCluster: boolean | undefined,
  stderr: Writable,
): Promise<PolicyCatalog | undefined> {
  if (!paths?.length && !fromCluster) return undefined;
  const catalog = emptyCatalog();
  if (paths?.length) loadPolicyFiles(paths, catalog);
  if (fromCluster) await loadPoliciesFromCluster(undefined, catalog);
  for (const e of catalog.errors) stderr.write(`flowlens: policies: ${formatCatalogError(e)}\n`);
  if (policyCount(catalog) === 0)
    stderr.write('flowlens: warning: no NetworkPolicy or CiliumNetworkPolicy found in the given policies\n');
  return catalog;
}

/** The server builds its next steps without knowing how it is reached: point them at it. */
function withServerSource(r: DiagnosisReport, server: string): DiagnosisReport {
  for (const f of r.findings ?? []) {
    for (const n of f.next ?? []) {
      if (
        /^flowlens (observe|policy explain) /.test(n.command) &&
        !/ --(server|input-file)( |$)/.test(n.command)
      ) {
        n.command = n.command.replace(
          /^(flowlens (?:observe|policy explain --uuid \S+))(?= |$)/,
          `$1 --server ${shellQuote(server)}`,
        );
      }
    }
  }
  return r;
}

async function report(flags: DiagnoseFlags, io: DiagnoseIO): Promise<DiagnosisReport> {
  const now = io.now();
  const since = timeArg(flags.since, now, '--since');
  const until = timeArg(flags.until, now, '--until');
  if (flags.inputFile?.length && flags.server)
    throw new UsageError('give either --input-file or --server, not both');
  const rules = flags.rules
    ? defaultRuleRegistry().only(
        flags.rules
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : undefined;
  const minSeverity = flags.minSeverity as Severity | undefined;
  if (minSeverity && !['info', 'warning', 'critical'].includes(minSeverity))
    throw new UsageError(`invalid --min-severity "${minSeverity}": expected info, warning or critical`);
  const catalog = await loadCatalog(flags.policies, flags.policiesFromCluster, io.stderr);
  const attributor = catalog
    ? createDropAttributor(
        catalog,
        flags.policiesFromCluster && !flags.policies?.length
          ? ['--policies-from-cluster']
          : (flags.policies ?? []).flatMap((p) => ['--policies', p]),
      )
    : undefined;
  const sinceMs = since ? Date.parse(since) : undefined;
  const untilMs = until ? Date.parse(until) : undefined;
  // With a window, read as much before it as its length: the baseline.
  const range =
    sinceMs !== undefined
      ? { fromMs: sinceMs - ((untilMs ?? now) - sinceMs), toMs: untilMs }
      : untilMs !== undefined
        ? { toMs: untilMs }
        : undefined;
  const accumulator = { bucketMs: bucketMs(flags.bucket), range };
  const common = { since, until, rules, attributor, minSeverity, clock: io.now };
  if (flags.server) {
    if (!catalog && !flags.rules && !flags.bucket) {
      const r = await fetchDiagnosis(flags.server, { since: flags.since, until: flags.until });
      if (r) return withServerSource(r, flags.server);
    }
    const acc = new DiagnosisAccumulator(accumulator);
    for await (const batch of fetchFlows(flags.server, {
      since: range?.fromMs !== undefined ? new Date(range.fromMs).toISOString() : since,
      until,
    }))
      for (const ev of batch) acc.add(ev);
    return diagnose(acc, { ...common, source: { server: flags.server } });
  }
  const inputs = flags.inputFile?.length ? flags.inputFile : ['-'];
  const workers = flags.workers !== undefined ? Number(flags.workers) : undefined;
  const { acc, stats } = await accumulateFlowLogs(inputs, {
    accumulator,
    workers,
    onWarning: (m) => io.stderr.write(`flowlens: ${m}\n`),
  });
  if (stats.invalid > 0) io.stderr.write(`flowlens: ${stats.invalid} invalid lines skipped\n`);
  return diagnose(acc, { ...common, source: { inputFiles: inputs } });
}

async function run(flags: DiagnoseFlags, command: Command, io: DiagnoseIO): Promise<number> {
  if (flags.listRules) {
    for (const r of defaultRuleRegistry().list()) io.stdout.write(`${r.name.padEnd(12)} ${r.help}\n`);
    return 0;
  }
  if (flags.failOn !== undefined && !['warning', 'critical'].includes(flags.failOn))
    command.error(`error: invalid --fail-on "${flags.failOn}": expected warning or critical`, {
      exitCode: 2,
    });
  if (!REPORT_FORMATS.includes(flags.output as ReportFormat))
    command.error(`error: invalid --output "${flags.output}": expected ${REPORT_FORMATS.join(', ')}`, {
      exitCode: 2,
    });
  try {
    const r = await report(flags, io);
    const color = flags.color === 'always' || (flags.color !== 'never' && io.isTTY);
    io.stdout.write(formatReport(r, flags.output as ReportFormat, { color, width: 100 }));
    const fail =
      flags.failOn === 'critical'
        ? r.summary.critical > 0
        : flags.failOn === 'warning'
          ? r.summary.critical + r.summary.warning > 0
          : false;
    return fail ? 4 : 0;
  } catch (e) {
    if (e instanceof UsageError) command.error(`error: ${e.message}`, { exitCode: 2 });
    const code = (e as { code?: string }).code;
    if (code && /^(FLOW_LOG_INPUT|SERVER_READ|POLICY_FILES|KUBE_API|RULE_UNKNOWN)$/.test(code)) {
      io.stderr.write(`flowlens diagnose: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Registers `diagnose`; `io` is injectable for tests. */
export function createDiagnoseCommand(
  io: () => DiagnoseIO = () => ({
    stdout: process.stdout,
    stderr: process.stderr,
    now: Date.now,
    isTTY: !!process.stdout.isTTY,
  }),
): CliCommand {
  return {
    name: 'diagnose',
    register(program: Command): void {
      program
        .command('diagnose')
        .description(
          'Find the root causes of network problems in flows: DNS, policy drops, other drops, imbalance, TCP resets, L7 errors, latency',
        )
        .option(
          '--input-file <file>',
          "flow log (hubble observe -o json lines); repeatable; globs, .gz and '-' (stdin) accepted",
          (v: string, p: string[] = []) => [...p, v],
        )
        .option('--server <host:port>', 'a running flowlens serve (HTTP API)')
        .option('--since <time>', 'start of the window: RFC 3339 or a duration ago such as 15m')
        .option('--until <time>', 'end of the window: RFC 3339 or a duration ago')
        .option('-o, --output <format>', `report format: ${REPORT_FORMATS.join(', ')}`, 'text')
        .option(
          '--policies <path>',
          'NetworkPolicy/CiliumNetworkPolicy YAML file or folder to attribute policy drops to; repeatable',
          (v: string, p: string[] = []) => [...p, v],
        )
        .option(
          '--policies-from-cluster',
          'read the policies and namespaces from the Kubernetes API (kubeconfig or in-cluster)',
        )
        .option('--rules <names>', 'run only these rules (comma-separated)')
        .option('--min-severity <level>', 'leave out findings below info, warning or critical')
        .option('--bucket <duration>', 'time resolution of the analysis (default 10s)')
        .option(
          '--workers <n>',
          'threads reading a large file, the main thread included (default: cores, at most 4)',
        )
        .option('--color <when>', 'auto, always or never', 'auto')
        .option('--list-rules', 'list the rules with what they detect and exit')
        .option(
          '--fail-on <level>',
          'exit with status 4 when a finding of this severity or worse exists (warning or critical)',
        )
        .addHelpText(
          'after',
          HELP_AFTER + '\nExit status: 0 done, 1 error, 2 usage error, 4 findings at the --fail-on level.\n',
        )
        .action(async (flags: DiagnoseFlags, command: Command) => {
          process.exitCode = await run(flags, command, io());
        });
    },
  };
}

/** The `diagnose` command bound to the process. */
export const diagnoseCommand: CliCommand = createDiagnoseCommand();
