/**
 * Hash routes (`#/jobs/<id>`, `#/jobs?state=failed`): the server serves one page at the base
 * path, deep links survive a reload, and no server route has to know the dashboard's paths.
 */
import { useEffect, useState } from "preact/hooks";

export interface Route {
  /** "/jobs/123" */
  path: string;
  /** The path split on "/", decoded: ["jobs", "123"]. */
  parts: string[];
  query: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path = "/", search = ""] = hash.split("?");
  const parts = path
    .split("/")
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  return { path, parts, query: new URLSearchParams(search) };
}

export function href(path: string, query?: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) q.set(k, v);
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ""}`;
}

export function navigate(path: string, query?: Record<string, string | undefined>, replace = false): void {
  const target = href(path, query);
  if (replace) history.replaceState(null, "", target);
  else location.hash = target.slice(1);
  if (replace) dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const on = () => setRoute(currentRoute());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** Encodes one path segment (ids and names may hold "/" or spaces). */
export const seg = (text: string) => encodeURIComponent(text);
