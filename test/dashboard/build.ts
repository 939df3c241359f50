/** Makes sure the dashboard is built (CI runs `npm run build` first; a fresh checkout may not have). */
import { execFileSync } from "node:child_process";
import { dashboardDir } from "../../src/http/dashboard.js";

export function ensureDashboardBuilt(): string {
  const found = dashboardDir();
  if (found) return found;
  execFileSync("npm", ["run", "build:dashboard"], { stdio: "inherit" });
  const built = dashboardDir();
  if (!built) throw new Error("npm run build:dashboard did not produce dist/dashboard");
  return built;
}
