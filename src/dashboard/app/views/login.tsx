/** The login page: trade an API token for a session cookie (the token is sent once, never stored by the page). */
import { useState } from "preact/hooks";
import { ApiError, logIn } from "../api";
import type { Me } from "../types";

export function Login({ onIn }: { onIn: (me: Me) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="login">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            onIn(await logIn(token.trim()));
          } catch (err) {
            setError(
              err instanceof ApiError && err.code === "RATE_LIMITED"
                ? "Too many failed attempts from this address: wait a minute and try again."
                : err instanceof ApiError && err.status === 401
                  ? "That token is not valid on this server."
                  : String((err as Error).message ?? err),
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1>
          <span class="logo" aria-hidden="true">
            ◎
          </span>{" "}
          spool
        </h1>
        <p class="muted">
          Sign in with an API token (a read token shows everything; an admin token can also act).
        </p>
        <label>
          API token
          <input
            type="password"
            name="token"
            autoComplete="current-password"
            required
            value={token}
            onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error-note" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !token}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p class="muted small">
          The token is exchanged for a session cookie (HttpOnly, SameSite=Strict) that ends when you sign out
          or after its lifetime.
        </p>
      </form>
    </main>
  );
}
