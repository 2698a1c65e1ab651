/**
 * The template variables of a dashboard (node, namespace, workload) as selects whose options
 * come from the data in the current range. Options load once the dashboard has rendered (or
 * when a select is first used), so the panels' queries have the server to themselves first.
 */
import { useEffect, useState } from 'react';
import { namespaceOptions, nodeOptions, workloadOptions } from '../api/variables';
import type { VariableName } from '../model/dashboards';
import type { TemplateVars } from '../model/drilldown';

interface Props {
  variables: VariableName[];
  vars: TemplateVars;
  window: { since: string; until: string };
  onChange: (patch: Partial<TemplateVars>) => void;
  /** Load the options now (the dashboard has rendered); they also load on first use. */
  load?: boolean;
}

function useOptions(load: () => Promise<string[]>, deps: unknown[], wanted: boolean): string[] {
  const [opts, setOpts] = useState<string[]>([]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    load().then(
      (o) => live && setOpts(o),
      () => live && setOpts([]),
    );
    return () => {
      live = false;
    };
  }, [...deps, wanted]);
  return opts;
}

export function VariableBar({ variables, vars, window: w, onChange, load }: Props) {
  const [touched, setWanted] = useState(false);
  const wanted = touched || !!load;
  const coarse = `${w.since.slice(0, 16)}|${w.until.slice(0, 16)}`;
  const nodes = useOptions(
    () => (variables.includes('node') ? nodeOptions(w) : Promise.resolve([])),
    [coarse],
    wanted,
  );
  const namespaces = useOptions(
    () => (variables.includes('namespace') ? namespaceOptions(w) : Promise.resolve([])),
    [coarse],
    wanted,
  );
  const workloads = useOptions(
    () =>
      variables.includes('workload') && vars.namespace
        ? workloadOptions(w, vars.namespace)
        : Promise.resolve([]),
    [coarse, vars.namespace],
    wanted,
  );
  const select = (name: VariableName, label: string, options: string[], allowAll: boolean) => {
    const value = vars[name] ?? '';
    const list = value && !options.includes(value) ? [value, ...options] : options;
    return (
      <label key={name} className="var">
        <span>{label}</span>
        <select
          aria-label={label}
          data-testid={`var-${name}`}
          value={value}
          onPointerDown={() => setWanted(true)}
          onFocus={() => setWanted(true)}
          onChange={(e) => onChange({ [name]: e.target.value || undefined })}
        >
          {allowAll && <option value="">All</option>}
          {!allowAll && !value && <option value="">—</option>}
          {list.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
    );
  };
  return (
    <div className="variables" data-testid="variables">
      {variables.includes('node') && select('node', 'Nodes', nodes, true)}
      {variables.includes('namespace') && select('namespace', 'Namespace', namespaces, false)}
      {variables.includes('workload') && select('workload', 'Workload', workloads, false)}
    </div>
  );
}
