/**
 * Asks for the server's bearer token when it answers 401. The token is kept in this tab's
 * sessionStorage only (gone when the tab closes) and sent as `Authorization: Bearer`.
 */
import { useState } from 'react';
import { auth, setToken } from '../api/client';
import { useStore } from '../state/store';

export function TokenPrompt() {
  const a = useStore(auth);
  const [value, setValue] = useState('');
  if (!a.prompt) return null;
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        data-testid="token-prompt"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) setToken(value.trim());
          setValue('');
        }}
      >
        <h2 id="token-title">This server requires a token</h2>
        <p className="muted">
          Enter the bearer token given to <code>flowlens serve --auth-token</code>. It is kept for this
          browser tab only (session storage) and sent with every request.
        </p>
        {a.error && <p className="error">{a.error}</p>}
        <input
          type="password"
          autoFocus
          aria-label="Token"
          data-testid="token-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          autoComplete="off"
        />
        <button type="submit">Connect</button>
      </form>
    </div>
  );
}
