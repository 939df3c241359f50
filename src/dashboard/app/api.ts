/**
 * Every call the dashboard makes goes through the public HTTP API (the same one programs use),
 * with relative URLs (`api/…`) so the page works under any base path. The session cookie rides
 * along by itself; state-changing calls add the session's CSRF token in `X-Spool-Request`.
 */
import type { Me } from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** Called when any call answers 401: the session ended (expired, logged out elsewhere, token removed). */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** A prefetched answer is taken only this fresh (it was started at page load for the first view). */
const PREFETCH_FRESH_MS = 10_000;
const prefetched = new Map<string, { at: number; answer: Promise<unknown> }>();

/**
 * Starts GETs before the view that needs them mounts: the first view's data is requested at page
 * load, beside the session check, instead of one round trip after it. The view's first `api()`
 * call for the same path takes the answer (once; a later call asks the server again).
 */
export function prefetch(paths: readonly string[]): void {
  for (const path of paths) {
    const answer = api(path);
    answer.catch(() => {}); // a refused prefetch (not signed in) is nobody's error
    prefetched.set(path, { at: Date.now(), answer });
  }
}

/** Forgets prefetched answers (not signed in: they were refused, and a later sign-in asks again). */
export function dropPrefetched(): void {
  prefetched.clear();
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const early = method === "GET" ? prefetched.get(path) : undefined;
  if (early) {
    prefetched.delete(path);
    if (Date.now() - early.at < PREFETCH_FRESH_MS) return early.answer as Promise<T>;
  }
  const headers: Record<string, string> = { Accept: "application/json" };
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-Spool-Request"] = csrfToken;
  const res = await fetch(`api/${path}`, {
    method,
    headers,
    credentials: "same-origin",
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } })
      ?.error;
    if (res.status === 401 && path !== "session") for (const l of unauthorizedListeners) l();
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? `${res.status} ${res.statusText}`,
      error?.details,
    );
  }
  return body as T;
}

export async function whoAmI(): Promise<Me | null> {
  try {
    const me = await api<Me>("session");
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function logIn(token: string): Promise<Me> {
  const me = await api<Me>("session", { method: "POST", body: { token } });
  setCsrfToken(me.csrfToken);
  return me;
}

export async function logOut(): Promise<void> {
  await api("session", { method: "DELETE" });
  setCsrfToken(null);
}

/** A query string from the defined entries. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The API paths the server offers (from its OpenAPI document): action menus show what exists. */
let offered: Promise<Set<string>> | null = null;
export function offeredPaths(): Promise<Set<string>> {
  offered ??= fetch("api/openapi.json")
    .then((r) => r.json() as Promise<{ paths?: Record<string, Record<string, unknown>> }>)
    .then((doc) => {
      const out = new Set<string>();
      for (const [path, ops] of Object.entries(doc.paths ?? {}))
        for (const method of Object.keys(ops)) out.add(`${method.toUpperCase()} ${path}`);
      return out;
    })
    .catch(() => new Set<string>());
  return offered;
}
