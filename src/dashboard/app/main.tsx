/**
 * The dashboard shell: who is signed in (or the login page), the navigation, keyboard shortcuts,
 * the theme, and the view for the current hash route.
 */
import { Fragment, render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { dropPrefetched, logOut, onUnauthorized, prefetch, whoAmI } from "./api";
import { lazyView } from "./lazy";
import { startLive, stopLive, useLiveStatus } from "./live";
import { currentRoute, href, navigate, useRoute } from "./router";
import { setMe, useMe } from "./session";
import "./styles.css";
import { applyTheme, nextTheme, savedTheme, type Theme } from "./theme";
import type { Me } from "./types";
import { Login } from "./views/login";
import { OVERVIEW_DATA, Overview } from "./views/overview";

// The overview (the default route) and the login page are in the first chunk; the rest load on use.
const Jobs = lazyView("the jobs", () => import("./views/jobs").then((m) => m.Jobs));
const JobDetail = lazyView("the job", () => import("./views/job").then((m) => m.JobDetail));
const Queues = lazyView("the queues", () => import("./views/queues").then((m) => m.Queues));
const Schedules = lazyView("the schedules", () => import("./views/schedules").then((m) => m.Schedules));
const Workers = lazyView("the workers", () => import("./views/workers").then((m) => m.Workers));
const Workflows = lazyView("the workflows", () => import("./views/workflows").then((m) => m.Workflows));
const Audit = lazyView("the audit log", () => import("./views/audit").then((m) => m.Audit));
// The graph view and dagre (most of the code) load only when a graph is opened.
const LazyGraph = lazyView("the graph", () => import("./views/workflow-graph").then((m) => m.WorkflowGraph));

// A cold load asks who is signed in and, on the overview, for its data at once, in parallel,
// before the first render: the counts no longer wait a round trip behind the session check.
const firstSession = whoAmI();
if (currentRoute().parts.length === 0) prefetch(OVERVIEW_DATA);

/** How long to wait before re-opening a live stream the browser gave up on. */
const LIVE_RETRY_MS = 5000;

const NAV: { key: string; path: string; label: string; admin?: boolean }[] = [
  { key: "o", path: "/", label: "Overview" },
  { key: "q", path: "/queues", label: "Queues" },
  { key: "j", path: "/jobs", label: "Jobs" },
  { key: "s", path: "/schedules", label: "Schedules" },
  { key: "w", path: "/workers", label: "Workers" },
  { key: "f", path: "/workflows", label: "Workflows" },
  { key: "a", path: "/audit", label: "Audit", admin: true },
];

function View() {
  const route = useRoute();
  const [first, second] = route.parts;
  if (first === "jobs" && second) return <JobDetail id={second} />;
  if (first === "jobs") return <Jobs />;
  if (first === "queues") return <Queues />;
  if (first === "schedules") return <Schedules />;
  if (first === "workers") return <Workers />;
  if (first === "workflows" && second) return <LazyGraph id={second} />;
  if (first === "workflows") return <Workflows />;
  if (first === "audit") return <Audit />;
  return <Overview />;
}

function Shortcuts({ onHelp }: { onHelp: () => void }) {
  useEffect(() => {
    let pendingG = false;
    const on = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (target.closest("input, select, textarea, dialog") || e.metaKey || e.ctrlKey || e.altKey) return;
      if (pendingG) {
        pendingG = false;
        const item = NAV.find((n) => n.key === e.key);
        if (item) {
          e.preventDefault();
          navigate(item.path);
        }
        return;
      }
      if (e.key === "g") pendingG = true;
      else if (e.key === "?") onHelp();
      else if (e.key === "/") {
        const search = document.querySelector<HTMLInputElement>("input[type=search]");
        if (search) {
          e.preventDefault();
          search.focus();
        } else if (!location.hash.startsWith("#/jobs")) navigate("/jobs");
      }
    };
    addEventListener("keydown", on);
    return () => removeEventListener("keydown", on);
  }, [onHelp]);
  return null;
}

function Help({ onClose }: { onClose: () => void }) {
  return (
    <dialog open class="help" aria-label="Keyboard shortcuts" onCancel={onClose}>
      <h2>Keyboard</h2>
      <dl>
        {NAV.map((n) => (
          <Fragment key={n.key}>
            <dt>
              <kbd>g</kbd> <kbd>{n.key}</kbd>
            </dt>
            <dd>{n.label}</dd>
          </Fragment>
        ))}
        <dt>
          <kbd>j</kbd> <kbd>k</kbd>
        </dt>
        <dd>Next / previous row</dd>
        <dt>
          <kbd>Enter</kbd>
        </dt>
        <dd>Open the selected row</dd>
        <dt>
          <kbd>x</kbd> <kbd>Esc</kbd>
        </dt>
        <dd>Select the row for a bulk action / clear the selection (admins)</dd>
        <dt>
          <kbd>/</kbd>
        </dt>
        <dd>Search jobs</dd>
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>This help</dd>
      </dl>
      <button type="button" onClick={onClose}>
        Close
      </button>
    </dialog>
  );
}

function Shell({ me }: { me: Me }) {
  const route = useRoute();
  const live = useLiveStatus();
  const [theme, setTheme] = useState<Theme>(savedTheme());
  const [help, setHelp] = useState(false);
  const current = `/${route.parts[0] ?? ""}`;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href("/")}>
          <span class="logo" aria-hidden="true">
            ◎
          </span>{" "}
          spool
        </a>
        <nav aria-label="Main">
          {NAV.filter((n) => !n.admin || me.role === "admin").map((n) => (
            <a
              key={n.path}
              href={href(n.path)}
              aria-current={current === n.path ? "page" : undefined}
              title={`g ${n.key}`}
            >
              {n.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span
            class={`live live-${live}`}
            title={`live updates: ${live}`}
            role="img"
            aria-label={`live updates ${live}`}
          >
            ●
          </span>
          <span class="actor" title={`${me.role} via ${me.via}`}>
            {me.actor} <span class={`badge role-${me.role}`}>{me.role}</span>
          </span>
          <button
            type="button"
            class="icon"
            title={`Theme: ${theme} (click to change)`}
            aria-label={`Theme: ${theme}`}
            onClick={() => {
              const t = nextTheme(theme);
              applyTheme(t);
              setTheme(t);
            }}
          >
            {theme === "dark" ? "☾" : theme === "light" ? "☀" : "◐"}
          </button>
          <button
            type="button"
            class="icon"
            title="Keyboard shortcuts (?)"
            aria-label="Keyboard shortcuts"
            onClick={() => setHelp(true)}
          >
            ?
          </button>
          {me.via === "session" && (
            <button
              type="button"
              data-logout
              onClick={async () => {
                await logOut().catch(() => {});
                stopLive();
                setMe(null);
              }}
            >
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <View />
      </main>
      <Shortcuts onHelp={() => setHelp(true)} />
      {help && <Help onClose={() => setHelp(false)} />}
    </>
  );
}

function App() {
  const me = useMe();
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    applyTheme(savedTheme());
    firstSession.then(
      (m) => {
        if (!m) dropPrefetched();
        setMe(m);
        setChecked(true);
      },
      (err: Error) => setError(err.message),
    );
    return onUnauthorized(() => {
      stopLive();
      setMe(null);
    });
  }, []);
  useEffect(() => {
    if (me) startLive();
  }, [me]);
  // The browser gives up on a stream the server refused (the session ended, or the server is at
  // its stream limit): find out which, then sign out or reconnect a little later.
  const live = useLiveStatus();
  useEffect(() => {
    if (live !== "down" || !me) return;
    const timer = setTimeout(() => {
      void whoAmI()
        .then((m) => {
          if (!m) setMe(null);
          else {
            stopLive();
            startLive();
          }
        })
        .catch(() => {});
    }, LIVE_RETRY_MS);
    return () => clearTimeout(timer);
  }, [live, me]);
  if (error) return <p class="error-note">Cannot reach the spool API: {error}</p>;
  if (!checked) return null;
  if (!me) return <Login onIn={(m) => setMe(m)} />;
  return <Shell me={me} />;
}

render(<App />, document.getElementById("root")!);
