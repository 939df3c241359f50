/**
 * Change the priority of a job that has not started (POST /api/jobs/{id}/priority). Admin
 * only, shown when the server offers the route; the job detail re-reads itself on the
 * `job:updated` event, so the new priority appears without a reload.
 */
import { useState } from "preact/hooks";
import { ApiError, api } from "../api";
import { seg } from "../router";
import { useMe } from "../session";
import { useOffered } from "./actions";

export function PriorityForm({ id, priority, onDone }: { id: string; priority: number; onDone: () => void }) {
  const me = useMe();
  const offered = useOffered();
  const [value, setValue] = useState(String(priority));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (me?.role !== "admin" || !offered?.has("POST /api/jobs/{id}/priority")) return null;
  const submit = async () => {
    const n = Number(value);
    if (!Number.isInteger(n) || Math.abs(n) > 1_000_000) {
      setError("an integer in -1000000..1000000");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(`jobs/${seg(id)}/priority`, { method: "POST", body: { priority: n } });
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="inline-form"
      aria-label="Change priority"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        name="priority"
        type="number"
        step={1}
        value={value}
        aria-label="New priority"
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <button type="submit" disabled={busy || value === String(priority)} data-action="priority">
        Set priority
      </button>
      {error && (
        <span class="error-note" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
