/**
 * The live feed: ONE EventSource per page (`api/events`, the server's change feed), fanned out
 * to whichever views are open. Views never poll per job: they patch what they show from the
 * events, and re-read from the API at most once per throttle interval when an event says their
 * data changed. EventSource reconnects by itself and resumes with Last-Event-ID; when the server
 * cannot replay what was missed (`spool:resync`) every view re-reads.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { FeedEvent } from "./types";

type Listener = (event: FeedEvent) => void;
export type LiveStatus = "connecting" | "live" | "down";

const listeners = new Set<Listener>();
const resyncListeners = new Set<() => void>();
const statusListeners = new Set<(s: LiveStatus) => void>();
let source: EventSource | null = null;
let status: LiveStatus = "connecting";

function setStatus(s: LiveStatus): void {
  status = s;
  for (const l of statusListeners) l(s);
}

export function startLive(): void {
  if (source) return;
  setStatus("connecting");
  source = new EventSource("api/events", { withCredentials: true });
  source.onopen = () => setStatus("live");
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? "down" : "connecting");
  source.onmessage = (m) => {
    let event: FeedEvent;
    try {
      event = JSON.parse(m.data) as FeedEvent;
    } catch {
      return;
    }
    for (const l of listeners) l(event);
  };
  source.addEventListener("spool:resync", () => {
    for (const l of resyncListeners) l();
  });
}

export function stopLive(): void {
  source?.close();
  source = null;
  setStatus("connecting");
}

export function useLiveStatus(): LiveStatus {
  const [s, set] = useState(status);
  useEffect(() => {
    statusListeners.add(set);
    return () => void statusListeners.delete(set);
  }, []);
  return s;
}

/** Calls `handler` for every event (the latest handler: no re-subscribe per render). */
export function useLiveEvents(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

/**
 * Loads data, then reloads it when an event passes `relevant` (or on resync), at most once per
 * `throttleMs`: a burst of a thousand completions costs one request, not a thousand.
 */
export function useLiveQuery<T>(
  load: () => Promise<T>,
  relevant: (e: FeedEvent) => boolean,
  deps: unknown[],
  throttleMs = 1000,
): { data: T | null; error: Error | null; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const state = useRef({ timer: 0 as ReturnType<typeof setTimeout> | 0, last: 0, generation: 0 });
  const run = useRef<() => void>(() => {});
  run.current = () => {
    const generation = ++state.current.generation;
    state.current.last = Date.now();
    load().then(
      (d) => {
        if (generation === state.current.generation) {
          setData(d);
          setError(null);
        }
      },
      (err: Error) => {
        if (generation === state.current.generation) setError(err);
      },
    );
  };
  const schedule = () => {
    const s = state.current;
    if (s.timer) return;
    const wait = Math.max(0, s.last + throttleMs - Date.now());
    s.timer = setTimeout(() => {
      s.timer = 0;
      run.current();
    }, wait);
  };
  useEffect(() => {
    setData(null);
    run.current();
    return () => {
      if (state.current.timer) clearTimeout(state.current.timer);
      state.current.timer = 0;
      state.current.generation++;
    };
  }, deps);
  useLiveEvents((e) => {
    if (relevant(e)) schedule();
  });
  useEffect(() => {
    const l = () => schedule();
    resyncListeners.add(l);
    return () => void resyncListeners.delete(l);
  });
  return { data, error, reload: () => run.current() };
}
