/**
 * `flowlens policy explain` — why a flow is allowed or denied, policy by policy and rule by
 * rule, with the smallest rule that would admit it — and `flowlens policy whatif` — replay
 * recorded flows through a changed policy set and list every flow whose verdict would change.
 */
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { fetchFlows } from '../../diagnose/input/server.js';
import { compileFilters, type FlowFilter } from '../../filter/index.js';
import { timeFromParts, timeMillis, type Endpoint, type FlowEvent } from '../../flow/index.js';
import {
  connectionFromFlow,
  endFromFlow,
  explainConnection,
  proposeRule,
  WhatIfReplay,
  type Connection,
  type Explanation,
  type PolicyCatalog,
  type WhatIfReport,
} from '../../policy/analysis.js';
import { readFlowLog } from '../../sources/jsonl/index.js';
import { FilterFlags } from '../observe/filter-flags.js';
import { parseTimeArg } from '../observe/time-arg.js';
import { loadCatalog } from './diagnose.js';
import type { CliCommand } from './types.js';

/** Streams and clock; injectable for tests. */
export interface PolicyIO {
  stdout: Writable;
  stderr: Writable;
  now: () => number;
}

interface SourceFlags {
  inputFile?: string[];
  server?: string;
  since?: string;
  until?: string;
  policies?: string[];
  policiesFromCluster?: boolean;
  output: string;
}

interface ExplainFlags extends SourceFlags {
  uuid?: string;
  filter?: string;
  from?: string;
  to?: string;
  port?: string;
}

interface WhatIfFlags extends SourceFlags {
  limit: string;
}

class UsageError extends Error {}

const collect = (v: string, p: string[] = []) => [...p, v];

function time(v: string | undefined, now: number, flag: string): string | undefined {
  if (v === undefined) return undefined;
  try {
    const t = parseTimeArg(v, now);
    return timeFromParts(t.seconds, t.nanos);
  } catch {
    throw new UsageError(`invalid ${flag} "${v}": expected RFC 3339 or a duration ago such as 1h`);
  }
}

/** Flows of --input-file or --server, in batches, restricted to --since/--until. */
async function* flows(flags: SourceFlags, io: PolicyIO, filter?: string): AsyncGenerator<FlowEvent[]> {
  const since = time(flags.since, io.now(), '--since');
  const until = time(flags.until, io.now(), '--until');
  if (flags.server) {
    yield* fetchFlows(flags.server, { since, until, filter });
    return;
  }
  const lo = since ? timeMillis(since) : -Infinity;
  const hi = until ? timeMillis(until) : Infinity;
  const reader = await readFlowLog(flags.inputFile?.length ? flags.inputFile : ['-'], {
    onWarning: (m) => io.stderr.write(`flowlens: ${m}\n`),
  });
  for await (const batch of reader) {
    if (lo === -Infinity && hi === Infinity) yield batch;
    else
      yield batch.filter((ev) => {
        const t = timeMillis(ev.flow?.time ?? ev.time);
        return t >= lo && t < hi;
      });
  }
}

function parseFilter(text: string): { allow: FlowFilter[]; deny: FlowFilter[] } {
  const f = new FilterFlags();
  const tokens = text.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith('--'))
      throw new UsageError(
        `invalid --filter: expected observe filter flags such as --from-pod ns/pod, got "${t}"`,
      );
    const eq = t.indexOf('=');
    const name = eq > 0 ? t.slice(2, eq) : t.slice(2);
    if (name === 'not') {
      f.set('not', 'true');
      continue;
    }
    const value = eq > 0 ? t.slice(eq + 1) : tokens[++i];
    if (value === undefined) throw new UsageError(`invalid --filter: --${name} needs a value`);
    try {
      f.set(name, value.replace(/^["']|["']$/g, ''));
    } catch (e) {
      throw new UsageError(`invalid --filter: ${(e as Error).message}`);
    }
  }
  return { allow: f.allowlist(), deny: f.denylist() };
}

/** `ns/pod` matches an endpoint's pod, `ns/workload` its workload; anything else is an IP. */
function endpointMatches(spec: string, ep: Endpoint | undefined, ip: string | undefined): boolean {
  const slash = spec.indexOf('/');
  if (slash < 0) return ip === spec;
  const ns = spec.slice(0, slash);
  const name = spec.slice(slash + 1);
  return (
    ep?.namespace === ns && (ep.pod_name === name || ep.workloads?.some((w) => w.name === name) === true)
  );
}

/** Finds the flow (or the endpoints) the explain command asks about. */
async function findConnection(
  flags: ExplainFlags,
  catalog: PolicyCatalog,
  io: PolicyIO,
): Promise<{ conn: Connection; ev?: FlowEvent }> {
  const byUuid = flags.uuid;
  const filter = flags.filter ? parseFilter(flags.filter) : undefined;
  const pred = filter ? compileFilters(filter.allow, filter.deny) : undefined;
  if (!byUuid && !pred && !(flags.from && flags.to))
    throw new UsageError(
      'say which flow: --uuid UUID, --filter "<observe filter flags>", or --from NS/POD --to NS/POD|IP --port PORT[/PROTO]',
    );
  let fromEp: { ep?: Endpoint; ip?: string } | undefined;
  let toEp: { ep?: Endpoint; ip?: string } | undefined;
  const isIp = (s: string | undefined) => !!s && !s.includes('/');
  if (isIp(flags.from)) fromEp = { ip: flags.from };
  if (isIp(flags.to)) toEp = { ip: flags.to };
  for await (const batch of flows(flags, io, byUuid ? `--uuid ${byUuid}` : undefined)) {
    for (const ev of batch) {
      const f = ev.flow;
      if (!f) continue;
      if (byUuid ? f.uuid === byUuid : pred ? pred(ev) : false) {
        const conn = connectionFromFlow(catalog, f);
        if (!conn) throw new UsageError(`flow ${f.uuid ?? ''} has no L4 information to judge`);
        return { conn, ev };
      }
      if (!byUuid && !pred) {
        for (const [ep, ip] of [
          [f.source, f.IP?.source],
          [f.destination, f.IP?.destination],
        ] as const) {
          if (!fromEp && endpointMatches(flags.from!, ep, ip)) fromEp = { ep, ip };
          if (!toEp && endpointMatches(flags.to!, ep, ip)) toEp = { ep, ip };
        }
        if (fromEp && toEp) break;
      }
    }
    if (!byUuid && !pred && fromEp && toEp) break;
  }
  if (byUuid) throw new UsageError(`no flow with uuid ${byUuid} in the input`);
  if (pred) throw new UsageError('no flow matches --filter in the input');
  if (!fromEp)
    throw new UsageError(
      `no flow shows ${flags.from} (its labels are needed); check the name or widen --since`,
    );
  if (!toEp)
    throw new UsageError(
      `no flow shows ${flags.to} (its labels are needed); check the name or widen --since`,
    );
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(flags.port ?? '');
  if (!m)
    throw new UsageError(
      `invalid --port "${flags.port ?? ''}": expected PORT or PORT/PROTOCOL such as 8080/TCP`,
    );
  return {
    conn: {
      source: endFromFlow(catalog, fromEp.ep ?? { labels: ['reserved:world'] }, fromEp.ip),
      destination: endFromFlow(catalog, toEp.ep ?? { labels: ['reserved:world'] }, toEp.ip),
      protocol: (m[2]?.toUpperCase() ?? 'TCP') as Connection['protocol'],
      port: Number(m[1]),
    },
  };
}

function explainText(
  e: Explanation,
  ev: FlowEvent | undefined,
  proposal: ReturnType<typeof proposeRule>,
): string {
  const out: string[] = [];
  const f = ev?.flow;
  if (f)
    out.push(
      `flow ${f.uuid ?? ''} at ${f.time ?? ev?.time ?? '?'}: recorded ${f.verdict ?? 'VERDICT_UNKNOWN'}${f.drop_reason_desc ? ` (${f.drop_reason_desc})` : ''}`,
    );
  out.push(
    `connection: ${e.source} → ${e.destination} ${e.protocol === 'ICMP' ? 'ICMP' : `${e.port}/${e.protocol}`}`,
  );
  out.push(`verdict: ${e.verdict.toUpperCase()}${e.deniedBy ? ` on ${e.deniedBy}` : ''}`);
  for (const d of [e.egress, e.ingress]) {
    out.push('');
    out.push(
      `${d.direction} at ${d.endpoint}: ${d.verdict}${d.isolated ? ' (isolated)' : ' (not isolated)'}`,
    );
    out.push(`  ${d.summary}`);
    for (const p of d.policies) {
      out.push(
        `  ${p.kind} ${p.namespace ? p.namespace + '/' : ''}${p.name}: ${p.outcome === 'no-rule' ? 'no rule admits it' : p.outcome}${p.isolates ? '' : ' (does not isolate)'}`,
      );
      if (p.rules.length === 0) out.push(`    no ${d.direction} rules: it denies everything it selects`);
      for (const r of p.rules)
        out.push(
          `    ${r.effect === 'deny' ? 'deny ' : ''}rule ${r.rule}: ${r.match === 'yes' ? 'matches' : r.match === 'no' ? 'does not match' : 'cannot tell'} — ${r.reasons.join('; ')}`,
        );
    }
  }
  for (const n of e.notes) out.push('', `note: ${n}`);
  if (proposal) {
    out.push('', 'smallest rule that would admit it:', `# ${proposal.description}`, proposal.yaml.trimEnd());
  }
  return out.join('\n') + '\n';
}

async function runExplain(flags: ExplainFlags, io: PolicyIO): Promise<number> {
  const catalog = await loadCatalog(flags.policies, flags.policiesFromCluster, io.stderr);
  if (!catalog)
    throw new UsageError(
      'give the policies: --policies PATH (file or folder, repeatable) or --policies-from-cluster',
    );
  const { conn, ev } = await findConnection(flags, catalog, io);
  const e = explainConnection(catalog, conn);
  const proposal = proposeRule(conn, e);
  if (flags.output === 'json')
    io.stdout.write(
      JSON.stringify(
        {
          flow: ev?.flow
            ? {
                uuid: ev.flow.uuid,
                time: ev.flow.time,
                verdict: ev.flow.verdict,
                drop_reason_desc: ev.flow.drop_reason_desc,
              }
            : undefined,
          explanation: e,
          proposal: proposal
            ? { description: proposal.description, yaml: proposal.yaml, policies: proposal.policies }
            : undefined,
        },
        null,
        2,
      ) + '\n',
    );
  else if (flags.output === 'yaml')
    io.stdout.write(proposal ? proposal.yaml : `# nothing to propose: ${e.summary}\n`);
  else io.stdout.write(explainText(e, ev, proposal));
  return 0;
}

function whatifText(r: WhatIfReport, files: string): string {
  const out: string[] = [];
  out.push(`replayed ${r.replayed} connection-opening flows (of ${r.examined} read) through ${files}`);
  out.push(
    `newly allowed: ${r.newlyAllowed}   newly denied: ${r.newlyDenied}   undetermined: ${r.undetermined}   unchanged: ${r.unchanged}`,
  );
  for (const [label, pick] of [
    ['newly allowed', (g: WhatIfReport['groups'][number]) => g.newlyAllowed],
    ['newly denied', (g: WhatIfReport['groups'][number]) => g.newlyDenied],
    ['undetermined', (g: WhatIfReport['groups'][number]) => g.undetermined],
  ] as const) {
    const groups = r.groups.filter((g) => pick(g) > 0);
    if (!groups.length) continue;
    out.push('', `${label}:`);
    for (const g of groups) {
      out.push(
        `  ${g.source} → ${g.destination} ${g.protocol === 'ICMP' ? 'ICMP' : `${g.port}/${g.protocol}`}: ${pick(g)} flows`,
      );
      out.push(`    ${g.reason}`);
      out.push(`    e.g. ${g.flows.slice(0, 3).join(' ')}`);
    }
  }
  if (r.newlyAllowed + r.newlyDenied + r.undetermined === 0)
    out.push('', 'no recorded flow would change its verdict');
  return out.join('\n') + '\n';
}

async function runWhatIf(flags: WhatIfFlags, io: PolicyIO): Promise<number> {
  const catalog = await loadCatalog(flags.policies, flags.policiesFromCluster, io.stderr);
  if (!catalog)
    throw new UsageError(
      'give the changed policy set: --policies NEW_DIR (repeatable) or --policies-from-cluster',
    );
  const limit = Number(flags.limit);
  if (!(limit >= 0)) throw new UsageError(`invalid --limit "${flags.limit}"`);
  const replay = new WhatIfReplay(catalog, { limit });
  for await (const batch of flows(flags, io)) for (const ev of batch) replay.add(ev);
  const r = replay.report();
  if (flags.output === 'json') io.stdout.write(JSON.stringify(r, null, 2) + '\n');
  else if (flags.output === 'yaml') io.stdout.write(stringify(r));
  else io.stdout.write(whatifText(r, (flags.policies ?? ['the cluster’s policies']).join(', ')));
  return 0;
}

function sourceOptions(cmd: Command): Command {
  return cmd
    .option(
      '--policies <path>',
      'NetworkPolicy/CiliumNetworkPolicy YAML file or folder (Namespaces and Deployments in it add namespace labels and named ports); repeatable',
      collect,
    )
    .option('--policies-from-cluster', 'read policies and namespaces from the Kubernetes API')
    .option('--input-file <file>', "flow log; repeatable; globs, .gz and '-' accepted", collect)
    .option('--server <host:port>', 'a running flowlens serve (HTTP API)')
    .option('--since <time>', 'RFC 3339 or a duration ago such as 1h')
    .option('--until <time>', 'RFC 3339 or a duration ago')
    .option('-o, --output <format>', 'text, json or yaml', 'text');
}

async function guarded(command: Command, io: PolicyIO, f: () => Promise<number>): Promise<number> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UsageError) command.error(`error: ${e.message}`, { exitCode: 2 });
    const code = (e as { code?: string }).code;
    if (code && /^(FLOW_LOG_INPUT|SERVER_READ|POLICY_FILES|KUBE_API|FILTER)$/.test(code)) {
      io.stderr.write(`flowlens policy: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}

/** Registers `policy explain` and `policy whatif`; `io` is injectable for tests. */
export function createPolicyCommand(
  io: () => PolicyIO = () => ({ stdout: process.stdout, stderr: process.stderr, now: Date.now }),
): CliCommand {
  return {
    name: 'policy',
    register(program: Command): void {
      const policy = program
        .command('policy')
        .description('Explain policy verdicts of flows and replay flows through changed policies');
      sourceOptions(
        policy
          .command('explain')
          .description(
            'Why a flow is allowed or denied: the policies that select each side, the rule that does not match, and the smallest rule that would admit it',
          ),
      )
        .option('--uuid <uuid>', 'the flow to explain')
        .option(
          '--filter <flags>',
          'the first flow matching these observe filter flags, e.g. "--from-pod shop/web-1 --verdict DROPPED"',
        )
        .option(
          '--from <ns/pod|ns/workload|ip>',
          'source, with --to and --port (labels are taken from flows)',
        )
        .option('--to <ns/pod|ns/workload|ip>', 'destination')
        .option('--port <port[/proto]>', 'destination port, e.g. 8080/TCP')
        .addHelpText(
          'after',
          '\nExamples:\n  flowlens policy explain --policies ./policies --input-file flows.json --uuid 82626131-7e2f-4a51-a6da-7abded792f6d\n  flowlens policy explain --policies ./policies --input-file flows.json --from shop/frontend --to shop/backend --port 8080/TCP -o yaml\n',
        )
        .action(async (flags: ExplainFlags, command: Command) => {
          const i = io();
          process.exitCode = await guarded(command, i, () => runExplain(flags, i));
        });
      sourceOptions(
        policy
          .command('whatif')
          .description(
            'Replay recorded flows through a changed policy set: which flows become allowed or denied',
          ),
      )
        .option('--limit <n>', 'most changed flows listed one by one in -o json', '10000')
        .addHelpText(
          'after',
          '\nExamples:\n  flowlens policy whatif --policies ./policies-new --input-file flows.json\n  flowlens policy whatif --policies ./policies-new --server localhost:8080 --since 1h -o json\n',
        )
        .action(async (flags: WhatIfFlags, command: Command) => {
          const i = io();
          process.exitCode = await guarded(command, i, () => runWhatIf(flags, i));
        });
    },
  };
}

/** The `policy` command bound to the process. */
export const policyCommand: CliCommand = createPolicyCommand();
