/**
 * `flowlens lab up|run|down`: the network-namespace lab of linux-lab.md on this machine (root
 * needed). `up` builds it and prints its directory, `run` plays the five stories with the agent
 * capturing inside the lab's node namespace, `down` removes it (`--all` removes every lab).
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { Lab, teardownAll } from '../../lab/lab.js';
import { runLab } from '../../lab/run.js';
import type { CliCommand } from './types.js';

function findLab(dir?: string): Lab {
  if (dir) return Lab.load(dir);
  const dirs = readdirSync(tmpdir())
    .filter((d) => d.startsWith('flowlens-lab-'))
    .map((d) => join(tmpdir(), d));
  for (const d of dirs.reverse()) {
    try {
      const lab = Lab.load(d);
      if (lab.namespaces().length > 0) return lab;
    } catch {
      // not a lab directory
    }
  }
  throw new Error('no running lab found; run `flowlens lab up` first or give --dir');
}

/** The `lab` command. */
export const labCommand: CliCommand = {
  name: 'lab',
  register(program: Command): void {
    const lab = program
      .command('lab')
      .description(
        'a one-machine "cluster" of network namespaces with real DNS, HTTP and policy drops (root)',
      );
    lab
      .command('up')
      .description(
        'build the lab: node namespace with a bridge, pods, dnsmasq, nginx, NetworkPolicies as nftables + NFLOG',
      )
      .option('--dir <DIR>', 'lab directory (default: a new one under the temp directory)')
      .action(async (o: { dir?: string }) => {
        const l = Lab.create(o.dir);
        try {
          await l.up();
        } catch (err) {
          await l.down();
          throw err;
        }
        l.detach();
        process.stdout.write(
          `lab ${l.state.id} up in ${l.state.dir} (node namespace ${l.state.nodeNs}, bridge ${l.state.bridge}, NFLOG group ${l.state.nflogGroup})\n`,
        );
      });
    lab
      .command('run')
      .description(
        'play the five stories with `flowlens agent` capturing in the lab; flows go to <dir>/flows.jsonl',
      )
      .option('--dir <DIR>', 'lab directory (default: the newest running lab)')
      .action(async (o: { dir?: string }) => {
        const l = findLab(o.dir);
        const r = await runLab(l, {
          command: process.execPath,
          args: [...process.execArgv, process.argv[1]],
        });
        const res = r.results;
        process.stdout.write(
          `played ${res.dig.length} DNS lookups, ${res.curl.length} HTTP requests, ${res.blocked.length} blocked connections, ${res.resets.length} connections to a closed port in ${((res.endMs - res.startMs) / 1000).toFixed(1)} s\n` +
            `flows: ${r.flowsFile}\nagent status: ${r.statusFile}\ntry: flowlens diagnose --input-file ${r.flowsFile}\n`,
        );
      });
    lab
      .command('down')
      .description(
        'remove the lab (processes by PID, then namespaces); --all removes every lab on the machine',
      )
      .option('--dir <DIR>', 'lab directory')
      .option('--all', 'every lab (namespaces named flab-*)', false)
      .action(async (o: { dir?: string; all: boolean }) => {
        const removed = o.all ? await teardownAll() : await findLab(o.dir).down();
        process.stdout.write(
          `removed ${removed.length} namespaces${removed.length ? `: ${removed.join(' ')}` : ''}\n`,
        );
      });
  },
};
