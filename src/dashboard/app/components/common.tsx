/** Small pieces every view uses: times, copy buttons, state badges, JSON, progress, errors. */
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "../api";
import { absoluteTime, fullTime, relativeTime, useTick } from "../format";
import type { JobState } from "../types";

/** "3 min ago · 14:02:11": relative and absolute in the viewer's zone; the full date on hover. */
export function Time({ at, compact = false }: { at: number | null; compact?: boolean }) {
  const now = useTick();
  if (at === null) return <span class="muted">—</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={fullTime(at)}>
      {relativeTime(at, now)}
      {!compact && <span class="abs"> · {absoluteTime(at, now)}</span>}
    </time>
  );
}

async function writeClipboard(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain http on a LAN address is not a secure context: the old way still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "offscreen";
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

export function Copy({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="copy"
      aria-label={`${label}: ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`}
      title="Copy to clipboard"
      onClick={async (e) => {
        e.stopPropagation();
        e.preventDefault();
        await writeClipboard(text);
        setDone(true);
        setTimeout(() => setDone(false), 1200);
      }}
    >
      {done ? "Copied" : label}
    </button>
  );
}

export function StateBadge({ state }: { state: JobState | string | null }) {
  return <span class={`badge state-${state ?? "gone"}`}>{state ?? "gone"}</span>;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  const text = value === undefined ? "undefined" : JSON.stringify(value, null, 2);
  return (
    <section class="json" aria-label={label}>
      <header>
        <h3>{label}</h3>
        <Copy text={text} label="Copy JSON" />
      </header>
      <pre>{text}</pre>
    </section>
  );
}

export function Progress({ percent, message }: { percent: number; message?: string | undefined }) {
  const p = Math.max(0, Math.min(100, percent));
  return (
    <div class="progress" role="progressbar" aria-valuenow={p} aria-valuemin={0} aria-valuemax={100}>
      <div class="bar" style={{ width: `${p}%` }} />
      <span>
        {Math.round(p)}%{message ? ` · ${message}` : ""}
      </span>
    </div>
  );
}

export function ErrorNote({ error }: { error: Error | null }) {
  if (!error) return null;
  const code = error instanceof ApiError ? `${error.code}: ` : "";
  return (
    <p class="error-note" role="alert">
      {code}
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return <p class="muted loading">Loading {what}…</p>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function PageTitle({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="page-title">
      <h1>{title}</h1>
      <div class="page-actions">{children}</div>
    </div>
  );
}

/** "← Newer / Older →" for cursor pages: `back` is off on the first page, `next` without a cursor. */
export function Pager({ onBack, onNext }: { onBack: (() => void) | null; onNext: (() => void) | null }) {
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={!onBack} onClick={() => onBack?.()}>
        ← Newer
      </button>
      <button type="button" disabled={!onNext} onClick={() => onNext?.()}>
        Older →
      </button>
    </nav>
  );
}
