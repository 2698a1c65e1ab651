/**
 * One lab run: start `flowlens agent` inside the lab's node namespace, wait until it is
 * capturing, play the five stories, let the last packets through (tcpdump delivers within
 * milliseconds in immediate mode, the agent holds flows for its hold window), and stop it.
 *
 * The agent is entered with `nsenter --net=` rather than `ip netns exec`, which would remount
 * /sys and hide tracefs (linux-lab.md §5).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import { playStories, type StoryCounts, type StoryResults } from './stories.js';

/** Where a run left its outputs. */
export interface LabRun {
  flowsFile: string;
  statusFile: string;
  agentLog: string;
  results: StoryResults;
}

/** How to start the flowlens CLI (the built bin, or the sources through tsx in tests). */
export interface CliLauncher {
  command: string;
  args: string[];
}

/** Starts the agent in the node namespace; resolves when its status file says ready. */
export async function startAgent(
  lab: Lab,
  cli: CliLauncher,
  out: { flows: string; status: string; log: string },
  extra: string[] = [],
): Promise<ChildProcess> {
  const s = lab.state;
  const args = [
    `--net=/run/netns/${s.nodeNs}`,
    cli.command,
    ...cli.args,
    'agent',
    '-i', s.bridge,
    '--nflog-group', String(s.nflogGroup),
    '--kernel-drops',
    '--tcp-states', 'conntrack',
    '--topology', s.topologyFile,
    '--node-name', s.nodeName,
    '-o', out.flows,
    '--status-file', out.status,
    ...extra,
  ]; // prettier-ignore
  const fd = openSync(out.log, 'a');
  const child = spawn('nsenter', args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(
        `the agent exited with code ${child.exitCode}: ${readFileSync(out.log, 'utf8').slice(-2000)}`,
      );
    try {
      if (
        existsSync(out.status) &&
        (JSON.parse(readFileSync(out.status, 'utf8')) as { ready?: boolean }).ready
      )
        break;
    } catch {
      // being written
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the agent did not get ready in 30 s: ${readFileSync(out.log, 'utf8').slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // libpcap needs a moment after "listening" before the first packets are delivered (linux-lab.md §4).
  await new Promise((r) => setTimeout(r, 1000));
  return child;
}

/** Stops the agent with SIGTERM and waits for it to write its last flows and status. */
export async function stopAgent(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const done = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const code = await done;
  clearTimeout(t);
  return code;
}

/** Runs the agent around the five stories. */
export async function runLab(
  lab: Lab,
  cli: CliLauncher,
  o: { counts?: StoryCounts; agentArgs?: string[]; beforeStop?: () => Promise<void> } = {},
): Promise<LabRun> {
  const dir = lab.state.dir;
  const out = {
    flows: join(dir, 'flows.jsonl'),
    status: join(dir, 'status.json'),
    log: join(dir, 'agent.log'),
  };
  const agent = await startAgent(lab, cli, out, o.agentArgs);
  let results: StoryResults;
  try {
    results = await playStories(lab, o.counts);
    await new Promise((r) => setTimeout(r, 1500));
    await o.beforeStop?.();
  } finally {
    await stopAgent(agent);
  }
  return { flowsFile: out.flows, statusFile: out.status, agentLog: out.log, results };
}
