/** The Markdown form of a report, for tickets, chat and PR comments. */
import type { DiagnosisReport, Finding } from '../types.js';
import { describeFigure, describePeer, describeSubject } from './text.js';

function esc(s: string): string {
  return s.replace(/([|*_`\\])/g, '\\$1');
}

function finding(f: Finding, i: number): string {
  const out: string[] = [];
  out.push(`### ${i + 1}. ${f.severity.toUpperCase()}: ${esc(f.title)}`);
  out.push('');
  out.push(`- **Kind:** \`${f.kind}\` (id \`${f.id}\`)`);
  out.push(
    `- **Where:** ${esc(describeSubject(f.subject))}${f.peer ? ` ⇄ ${esc(describePeer(f.peer))}` : ''}`,
  );
  out.push(`- **Since:** ${f.since} (last seen ${f.lastSeen})`);
  if (f.causes.length) out.push(`- **Caused by:** ${f.causes.map((c) => `\`${c}\``).join(', ')}`);
  if (f.effects.length) out.push(`- **Explains:** ${f.effects.map((c) => `\`${c}\``).join(', ')}`);
  out.push('');
  out.push(esc(f.explanation));
  out.push('');
  out.push('| Evidence | Value |');
  out.push('|---|---|');
  for (const fig of f.evidence.figures) {
    const [label, value] = describeFigure(fig).split(/: (.*)/s);
    out.push(`| ${esc(label)} | ${esc(value)} |`);
  }
  if (f.evidence.test)
    out.push(`| ${esc(f.evidence.test.name)} | p = ${f.evidence.test.pValue.toExponential(2)} |`);
  if (f.evidence.flows.length)
    out.push(
      `| sample flows | ${f.evidence.flows
        .slice(0, 5)
        .map((u) => `\`${u}\``)
        .join(' ')} |`,
    );
  for (const p of f.policies ?? []) {
    out.push('');
    out.push(
      `**Policy (${p.direction}):** ${p.kind} ${p.name ? `\`${p.namespace ? p.namespace + '/' : ''}${p.name}\`` : ''} — ${esc(p.reasons.join('; '))}`,
    );
  }
  if (f.proposal) {
    out.push('');
    out.push('**Smallest rule that would admit the traffic:**');
    out.push('');
    out.push('```yaml');
    out.push(f.proposal.trimEnd());
    out.push('```');
  }
  out.push('');
  out.push('**Next steps:**');
  out.push('');
  out.push('```sh');
  for (const n of f.next) out.push(`# ${n.description}`, n.command);
  out.push('```');
  return out.join('\n');
}

/** Renders the report as Markdown. */
export function formatMarkdown(r: DiagnosisReport): string {
  const c = r.coverage;
  const out: string[] = [];
  out.push(`## flowlens diagnosis: ${esc(r.summary.headline)}`);
  out.push('');
  out.push(
    `Window ${r.window.since} → ${r.window.until}; ${c.flows} flows from ${c.nodes.length} nodes${c.baselineFlows ? ` (+${c.baselineFlows} baseline)` : ''}, ${c.lostFlows} lost. ` +
      `**${r.summary.critical} critical, ${r.summary.warning} warning, ${r.summary.info} info.**`,
  );
  for (const n of c.notes) out.push('', `> note: ${esc(n)}`);
  r.findings.forEach((f, i) => out.push('', finding(f, i)));
  if (r.chains.length) {
    out.push('', '### Chains', '');
    for (const ch of r.chains)
      out.push(`- ${ch.findings.map((id) => `\`${id}\``).join(' → ')}: ${esc(ch.summary)}`);
  }
  return out.join('\n') + '\n';
}
