/**
 * Builds the dashboard into `dist/dashboard/` (index.html + fingerprinted `assets/`), which
 * `src/http/dashboard.ts` serves and the npm package ships. `npm run build` runs it; users never do.
 *
 * - `base: "./"`: every URL in the page is relative, so it works under any base path.
 * - No inline script or style (the server's Content-Security-Policy forbids both), so the
 *   module-preload polyfill is off (every supported browser has modulepreload).
 * - `npm run dev:dashboard` serves the UI with hot reload and proxies `/api` to a running
 *   `spool dev` on 127.0.0.1:7077.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: fileURLToPath(new URL("../../dist/dashboard", import.meta.url)),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    // Browsers with CSS light-dark() (2024 on): the themes use it natively.
    cssTarget: ["chrome123", "edge123", "firefox120", "safari17.5"],
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 200,
  },
  server: { proxy: { "/api": "http://127.0.0.1:7077" } },
});
