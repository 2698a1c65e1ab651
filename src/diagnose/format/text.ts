/** The terminal form of a report: ranked findings with evidence, explanation and commands. */
import type { DiagnosisReport, Figure, Finding, FindingPeer, FindingSubject } from '../types.js';

const SEV_COLOR = { critical: '\x1b[1;31m', warning: '\x1b[33m', info: '\x1b[36m' } as const;
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** `ns/workload (pod-a, pod-b)`. */
export function describeSubject(s: FindingSubject): string {
  const name = s.namespace ? `${s.namespace}/${s.workload}` : s.workload;
  const pods = s.pods.length
    ? ` (${s.pods.slice(0, 4).join(', ')}${s.pods.length > 4 ? `, +${s.pods.length - 4}` : ''})`
    : '';
  return `${name}${pods}${s.node && s.node !== s.workload ? ` on node ${s.node}` : ''}`;
}

/** The peer in a few words. */
export function describePeer(p: FindingPeer): string {
  const parts: string[] = [];
  if (p.workload) parts.push(p.namespace ? `${p.namespace}/${p.workload}` : p.workload);
  if (p.ip) parts.push(p.ip);
  if (p.name) parts.push(p.name);
  if (p.port) parts.push(`port ${p.port}${p.protocol ? '/' + p.protocol : ''}`);
  else if (p.protocol && parts.length) parts.push(p.protocol);
  return parts.join(' ');
}

/** `value (baseline b)` with units. */
export function describeFigure(f: Figure): string {
  const v = (x: number) =>
    f.unit === 'ratio'
      ? `${Math.round(x * 1000) / 10}%`
      : f.unit === 'ms'
        ? `${x} ms`
        : f.unit === 'per_s'
          ? `${x}/s`
          : `${x}`;
  return `${f.label}: ${v(f.value)}${f.baseline !== undefined ? ` (baseline ${v(f.baseline)})` : ''}`;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent.length) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.join('\n' + indent);
}

function finding(f: Finding, i: number, color: boolean, width: number): string {
  const pad = '              ';
  const label = (s: string) => `   ${s.padEnd(10)} `;
  const sev = f.severity.toUpperCase().padEnd(8);
  const out: string[] = [];
  out.push(
    `${i + 1}. ${color ? SEV_COLOR[f.severity] + sev + RESET : sev} ${f.title}  ${color ? DIM : ''}[${f.kind}]${color ? RESET : ''}`,
  );
  out.push(label('where:') + describeSubject(f.subject) + (f.peer ? ` ⇄ ${describePeer(f.peer)}` : ''));
  out.push(label('since:') + `${f.since} (last seen ${f.lastSeen})`);
  const figs = f.evidence.figures.map(describeFigure);
  out.push(label('evidence:') + figs.join('\n' + pad));
  if (f.evidence.test)
    out.push(pad + `test: ${f.evidence.test.name}, p = ${f.evidence.test.pValue.toExponential(2)}`);
  if (f.evidence.flows.length) out.push(pad + `sample flows: ${f.evidence.flows.slice(0, 5).join(' ')}`);
  out.push(label('why:') + wrap(f.explanation, width, pad));
  for (const p of f.policies ?? []) {
    const name = p.name
      ? `${p.namespace ? p.namespace + '/' : ''}${p.name}`
      : p.namespace
        ? `(namespace ${p.namespace})`
        : '';
    out.push(
      label('policy:') + `${p.direction} ${p.kind} ${name} — ${wrap(p.reasons.join('; '), width, pad)}`,
    );
  }
  if (f.proposal)
    out.push(
      label('fix:') +
        f.proposal
          .trimEnd()
          .split('\n')
          .join('\n' + pad),
    );
  f.next.forEach((n, j) =>
    out.push((j === 0 ? label('next:') : pad) + `# ${n.description}\n${pad}${n.command}`),
  );
  if (f.causes.length) out.push(label('caused by:') + f.causes.join(', '));
  if (f.effects.length) out.push(label('explains:') + f.effects.join(', '));
  return out.join('\n');
}

/** Renders the report for a terminal (`width` columns, default 100). */
export function formatText(r: DiagnosisReport, options: { color?: boolean; width?: number } = {}): string {
  const color = options.color ?? false;
  const width = options.width ?? 100;
  const c = r.coverage;
  const lines: string[] = [];
  lines.push(`flowlens diagnosis: ${r.window.since} → ${r.window.until}`);
  lines.push(
    `coverage: ${c.flows} flows from ${c.nodes.length} node${c.nodes.length === 1 ? '' : 's'}${c.baselineFlows ? `, ${c.baselineFlows} earlier flows as baseline` : ''}, ${c.lostFlows} lost`,
  );
  for (const n of c.notes) lines.push(`note: ${n}`);
  lines.push(
    `${r.summary.critical} critical, ${r.summary.warning} warning, ${r.summary.info} info — ${r.summary.headline}`,
  );
  lines.push('');
  r.findings.forEach((f, i) => {
    lines.push(finding(f, i, color, width));
    lines.push('');
  });
  if (r.chains.length) {
    lines.push('chains (cause → effect):');
    for (const ch of r.chains) lines.push('  ' + ch.findings.join(' → '));
    lines.push('');
  }
  return lines.join('\n');
}
