/**
 * The flow detail drawer: every field of the event (dotted path → value), the raw JSON, and the
 * equivalent `flowlens observe` commands, all rendered as text.
 */
import { useEffect } from 'react';
import type { FlowEvent } from '../../flow/types';
import { commandsForFlow } from '../model/observe-command';
import { flattenFields } from '../model/flow-view';
import { CopyButton } from './CopyButton';

export function FlowDrawer({ ev, onClose }: { ev: FlowEvent; onClose: () => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const fields = flattenFields(ev);
  const cmds = ev.flow ? commandsForFlow(ev.flow) : undefined;
  return (
    <aside className="drawer" role="dialog" aria-label="Flow details" data-testid="flow-drawer">
      <header>
        <h2>Flow details</h2>
        <button onClick={onClose} aria-label="Close details">
          ✕
        </button>
      </header>
      {cmds && (
        <section>
          <h3>Equivalent command</h3>
          <div className="cmd">
            <code data-testid="observe-command">{cmds.conversation}</code>
            <CopyButton text={cmds.conversation} />
          </div>
          {cmds.exact && (
            <div className="cmd">
              <code>{cmds.exact}</code>
              <CopyButton text={cmds.exact} />
            </div>
          )}
        </section>
      )}
      <section>
        <h3>All fields ({fields.length})</h3>
        <table className="fields" data-testid="flow-fields">
          <tbody>
            {fields.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h3>JSON</h3>
        <pre className="json">{JSON.stringify(ev, null, 2)}</pre>
      </section>
    </aside>
  );
}
