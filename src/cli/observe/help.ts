/**
 * `flowlens observe --help`: hubble's layout (description, usage, examples, then one block of
 * flags per group, each formatted like pflag's FlagUsages, sorted by name).
 */
import type { FlagGroup, ObserveFlag } from './flags.js';
import type { ObserveSubcommand } from './request.js';

const GROUP_TITLES: readonly [FlagGroup, string][] = [
  ['Selectors', 'Selectors Flags'],
  ['Filters', 'Filters Flags'],
  ['Raw-Filters', 'Raw-Filters Flags'],
  ['Formatting', 'Formatting Flags'],
  ['Flow Format', 'Flow Format Flags'],
  ['Server', 'Server Flags'],
  ['Other', 'Other Flags'],
  ['flowlens', 'flowlens Flags'],
  ['Global', 'Global Flags'],
];

/** One-line description shown by `flowlens --help`. */
export const OBSERVE_DESCRIPTION =
  'Observe flows from Hubble flow logs or a Hubble server (hubble observe compatible)';

const LONG = `Observe provides visibility into flow information on the network and
application level. Rich filtering enable observing specific flows related to
individual pods, services, TCP connections, DNS queries, HTTP requests and
more.

flowlens observe reads flow logs: JSON lines written by 'hubble observe -o json',
Hubble exporter files or bare flows, from --input-file (repeatable, globs, .gz,
'-' for stdin). It selects, filters and prints them exactly as 'hubble observe
--input-file' v0.12.3 does. Without --input-file it asks the Observer API of
--server (flowlens serve, a Hubble agent or Hubble Relay) and prints its flows.`;

const EXAMPLES = `  # the last 20 flows of a log (as hubble: use --all for every flow)
  flowlens observe --input-file flows.json

  # every dropped flow from or to namespace shop, as JSON
  flowlens observe --input-file flows.json --all --verdict DROPPED -n shop -o json

  # DNS flows of the last hour from several compressed logs, merged in time order
  flowlens observe --input-file 'logs/*.json.gz' --since 1h --protocol dns

  # counts by verdict, type and namespace
  flowlens observe --input-file flows.json --stats

  # follow the dropped flows of a running flowlens serve (or Hubble Relay)
  flowlens observe --server 127.0.0.1:4245 -f --verdict DROPPED`;

function flagLine(f: ObserveFlag): string {
  let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
  if (f.type !== '') line += ' ' + f.type;
  if (f.noOptDefVal !== undefined && f.type !== '') line += `[=${f.noOptDefVal}]`;
  return line;
}

/** pflag FlagUsages: `  -n, --name type   usage (default x)`, continuation lines indented. */
function flagUsages(flags: ObserveFlag[]): string {
  const sortedFlags = [...flags].sort((a, b) => (a.name < b.name ? -1 : 1));
  const lefts = sortedFlags.map(flagLine);
  const max = Math.max(...lefts.map((l) => l.length));
  let out = '';
  sortedFlags.forEach((f, i) => {
    let usage = f.usage;
    if (f.defValue !== undefined)
      usage += f.type === 'string' ? ` (default "${f.defValue}")` : ` (default ${f.defValue})`;
    usage = usage.replaceAll('\n', '\n' + ' '.repeat(max + 3));
    out += lefts[i] + ' '.repeat(max - lefts[i].length + 3) + usage + '\n';
  });
  return out;
}

/** The full help text of `flowlens observe` (or `observe flows`). */
export function renderObserveHelp(flags: readonly ObserveFlag[], subcommand: ObserveSubcommand): string {
  const cmd = subcommand === 'flows' ? 'flowlens observe flows' : 'flowlens observe';
  let out = `${LONG}\n\nUsage:\n  ${cmd} [flags]\n`;
  if (subcommand === 'observe') out += `  flowlens observe [command]\n\nAliases:\n  observe, observe flows\n`;
  out += `\nExamples:\n${EXAMPLES}\n`;
  for (const [group, title] of GROUP_TITLES) {
    const inGroup = flags.filter((f) => f.group === group);
    if (inGroup.length > 0) out += `\n${title}:\n${flagUsages(inGroup)}`;
  }
  return out;
}
