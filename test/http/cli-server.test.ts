/** `spool server` (src/cli/commands/server.ts), run in-process with a fake process for signals. */
import { describe, expect, it } from "vitest";
import { registerServer } from "../../src/cli/commands/server.js";
import { buildProgram } from "../../src/cli/main.js";
import { FakeProcess } from "../cli/fake-process.js";
import { ensureDashboardBuilt } from "../dashboard/build.js";
import { waitFor } from "../support/wait-for.js";

class Capture {
  text = "";
  write(chunk: string) {
    this.text += chunk;
    return true;
  }
}

async function serve(args: string[], env: Record<string, string>) {
  const stdout = new Capture();
  const stderr = new Capture();
  const proc = new FakeProcess();
  const io = { stdout, stderr, env, process: proc };
  const program = buildProgram(io);
  if (!program.commands.some((c) => c.name() === "server")) registerServer(program, io);
  const done = program.parseAsync(["server", "--backend", "memory://", "--port", "0", ...args], {
    from: "user",
  });
  return { stdout, stderr, proc, done };
}

describe("spool server", () => {
  it("serves the API with tokens from SPOOL_API_TOKENS and stops on SIGTERM", async () => {
    const s = await serve(["-q"], { SPOOL_API_TOKENS: "admin:cli-admin-secret", SPOOL_LOG_LEVEL: "silent" });
    const url = (await waitFor(() => /listening on (\S+)/.exec(s.stdout.text)?.[1]))!;
    expect((await fetch(`${url}/api/health`)).status).toBe(200);
    expect((await fetch(`${url}/api/jobs`)).status).toBe(401);
    expect(
      (await fetch(`${url}/api/jobs`, { headers: { authorization: "Bearer cli-admin-secret" } })).status,
    ).toBe(200);
    s.proc.signal("SIGTERM");
    await s.done;
    await expect(fetch(`${url}/api/health`)).rejects.toThrow();
  });

  it("refuses to start without tokens unless --insecure", async () => {
    const s = await serve([], { SPOOL_LOG_LEVEL: "silent" });
    await expect(s.done).rejects.toThrow(/needs a token: set SPOOL_API_TOKENS=.*or pass --insecure/);
    const open = await serve(["--insecure"], { SPOOL_LOG_LEVEL: "silent" });
    const url = (await waitFor(() => /listening on (\S+)/.exec(open.stdout.text)?.[1]))!;
    expect((await fetch(`${url}/api/jobs`)).status).toBe(200);
    expect(open.stderr.text).toContain("--insecure");
    open.proc.signal("SIGINT");
    await open.done;
  });

  it("serves the dashboard at / and refuses --insecure beyond loopback", async () => {
    ensureDashboardBuilt();
    const s = await serve(["-q"], {
      SPOOL_API_TOKENS: "admin/ops:cli-admin-secret",
      SPOOL_LOG_LEVEL: "silent",
    });
    const url = (await waitFor(() => /listening on (\S+)/.exec(s.stdout.text)?.[1]))!;
    expect(s.stdout.text).toContain(`dashboard: ${url}/`);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toContain("text/html");
    s.proc.signal("SIGTERM");
    await s.done;
    const open = await serve(["--insecure", "--host", "0.0.0.0"], { SPOOL_LOG_LEVEL: "silent" });
    await expect(open.done).rejects.toThrow(/loopback only/);
  });
});
