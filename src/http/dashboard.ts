/**
 * Serves the dashboard's prebuilt files (built from `src/dashboard/` by `npm run build` into
 * `dist/dashboard/`, shipped in the npm package: users never run a front-end build).
 *
 * - `GET /` answers `index.html` with `Cache-Control: no-cache` (revalidated on every load, so
 *   a new version is picked up at once) and an ETag.
 * - `GET /assets/<name>-<hash>.<ext>` answers a fingerprinted file with a one-year immutable
 *   cache: its name changes whenever its content does.
 * - Files are read once, at the first request, and kept in memory with their gzip and brotli
 *   forms, so a cold load costs a few small responses and no disk read after the first.
 *
 * The page uses hash routes (`#/jobs/<id>`) and relative URLs (`api/…`, `assets/…`), so it works
 * unchanged under any base path. Without a build (running from a source checkout before
 * `npm run build`) `/` answers 503 with what to run.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Context, Env } from "hono";
import { Hono } from "hono";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

/** Smaller than this, compression costs more than it saves. */
const COMPRESS_MIN_BYTES = 1024;

interface Asset {
  type: string;
  etag: string;
  raw: Buffer;
  gzip: Buffer | null;
  br: Buffer | null;
}

/**
 * Where the built files are: next to this module once built (`dist/http/` → `dist/dashboard/`),
 * or `dist/dashboard/` of the checkout when running from source (tests, tsx).
 */
export function dashboardDir(): string | null {
  const candidates = [
    fileURLToPath(new URL("../dashboard/", import.meta.url)),
    fileURLToPath(new URL("../../dist/dashboard/", import.meta.url)),
  ];
  return (
    candidates.find((dir) => existsSync(join(dir, "index.html")) && existsSync(join(dir, "assets"))) ?? null
  );
}

function load(dir: string): Map<string, Asset> {
  const out = new Map<string, Asset>();
  const add = (urlPath: string, file: string) => {
    const raw = readFileSync(file);
    const type = TYPES[extname(file)] ?? "application/octet-stream";
    const compressible = raw.length >= COMPRESS_MIN_BYTES && !/^(image\/png|font\/)/.test(type);
    out.set(urlPath, {
      type,
      etag: `"${createHash("sha256").update(raw).digest("base64url").slice(0, 22)}"`,
      raw,
      gzip: compressible ? gzipSync(raw, { level: 9 }) : null,
      br: compressible ? brotliCompressSync(raw) : null,
    });
  };
  add("/", join(dir, "index.html"));
  for (const name of readdirSync(join(dir, "assets"))) add(`/assets/${name}`, join(dir, "assets", name));
  return out;
}

function send(c: Context, asset: Asset, cacheControl: string): Response {
  const headers: Record<string, string> = {
    "Content-Type": asset.type,
    "Cache-Control": cacheControl,
    ETag: asset.etag,
    Vary: "Accept-Encoding",
  };
  if (c.req.header("if-none-match") === asset.etag) return new Response(null, { status: 304, headers });
  const accept = c.req.header("accept-encoding") ?? "";
  let body = asset.raw;
  if (asset.br && /\bbr\b/.test(accept)) {
    body = asset.br;
    headers["Content-Encoding"] = "br";
  } else if (asset.gzip && /\bgzip\b/.test(accept)) {
    body = asset.gzip;
    headers["Content-Encoding"] = "gzip";
  }
  headers["Content-Length"] = String(body.length);
  return new Response(c.req.method === "HEAD" ? null : new Uint8Array(body), { status: 200, headers });
}

/**
 * Registers the dashboard on `app` at `base` (e.g. "" or "/spool"): the page at `base + "/"`
 * (a bare `base` redirects there, since the page's relative URLs need the slash), the files at
 * `base + "/assets/…"`. `dir` overrides where the built files are (default: `dashboardDir()`).
 */
export function mountDashboard<E extends Env>(
  app: Hono<E>,
  base = "",
  dir: string | null = dashboardDir(),
): Hono<E> {
  let assets: Map<string, Asset> | null = null;
  const get = () => {
    if (!dir) return null;
    assets ??= load(dir);
    return assets;
  };
  if (base) app.get(base, (c) => c.redirect(`${base}/`, 308));
  app.on(["GET", "HEAD"], `${base}/`, (c) => {
    const index = get()?.get("/");
    if (!index)
      return c.text(
        "The dashboard is not built: run `npm run build` in the spool checkout (the npm package ships it built).",
        503,
      );
    return send(c, index, "no-cache");
  });
  app.on(["GET", "HEAD"], `${base}/assets/:name`, (c) => {
    const asset = get()?.get(`/assets/${c.req.param("name")}`);
    if (!asset) return c.text("not found", 404);
    return send(c, asset, "public, max-age=31536000, immutable");
  });
  return app;
}

/** The dashboard alone, as a Hono app (without the API it talks to: mostly for tests). */
export function dashboardApp(dir: string | null = dashboardDir()): Hono {
  return mountDashboard(new Hono(), "", dir);
}
