/**
 * `flowlens dashboards`: the eight ACNS Grafana dashboards (Clusters, DNS, Drops, Pod Flows, L7)
 * that flowlens's metrics fill. `export DIR` writes them as Grafana JSON; `list` names them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderDashboards } from '../../metrics/index.js';
import type { CliCommand } from './types.js';

const HELP_AFTER = `
The dashboards query the metrics of flowlens's default --metrics set (Hubble pod-level metrics,
Retina networkobservability_* node metrics, flowlens DNS/HTTP latency). Import the files in
Grafana (Dashboards > New > Import) or provision them from DIR. They expect the scrape to add
a "cluster" label and "instance" to be the node.

Examples:
  flowlens dashboards export ./grafana-dashboards
  flowlens dashboards list
`;

/** The `dashboards` command. */
export const dashboardsCommand: CliCommand = {
  name: 'dashboards',
  register(program: Command) {
    const cmd = program
      .command('dashboards')
      .description('export the Grafana dashboards (ACNS layouts) for flowlens metrics')
      .addHelpText('after', HELP_AFTER);
    cmd
      .command('export')
      .description('write the dashboards as Grafana JSON files into DIR (created if missing)')
      .argument('<dir>', 'output directory')
      .action((dir: string) => {
        mkdirSync(dir, { recursive: true });
        for (const d of renderDashboards()) {
          writeFileSync(join(dir, d.file), d.json);
          process.stdout.write(`${join(dir, d.file)}  ${d.title}\n`);
        }
      });
    cmd
      .command('list')
      .description('list the dashboards')
      .action(() => {
        for (const d of renderDashboards()) process.stdout.write(`${d.file.padEnd(26)} ${d.title}\n`);
      });
  },
};
