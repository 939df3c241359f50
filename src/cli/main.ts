/**
 * The `spool` command line. `buildProgram(io)` assembles the commander program from one file
 * per command (`commands/`); `runCli(argv, io)` runs it and resolves with the exit code, so
 * tests drive the CLI in-process; `main()` is what `bin/spool.js` calls.
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input. Failures print
 * `error [CODE]: message` on stderr (spool error codes; `USAGE` for command-line mistakes),
 * with a stack only under `--verbose`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerDev } from "./commands/dev.js";
import { registerEnqueue } from "./commands/enqueue.js";
import { registerJobsCancel } from "./commands/jobs-cancel.js";
import { registerJobsEdit } from "./commands/jobs-edit.js";
import { registerJobsLs } from "./commands/jobs-ls.js";
import { registerJobsRetry } from "./commands/jobs-retry.js";
import { registerJobsRm } from "./commands/jobs-rm.js";
import { registerJobsShow } from "./commands/jobs-show.js";
import { registerMigrate } from "./commands/migrate.js";
import { registerMove } from "./commands/move.js";
import { registerQueuesLimit } from "./commands/queues-limit.js";
import { registerQueuesLs } from "./commands/queues-ls.js";
import { registerQueuesPause } from "./commands/queues-pause.js";
import { registerQueuesResume } from "./commands/queues-resume.js";
import { registerScheduler } from "./commands/scheduler.js";
import { registerSchedulesActions } from "./commands/schedules-actions.js";
import { registerSchedulesAdd } from "./commands/schedules-add.js";
import { registerSchedulesLs } from "./commands/schedules-ls.js";
import { registerServer } from "./commands/server.js";
import { registerStats } from "./commands/stats.js";
import { registerWorker } from "./commands/worker.js";
import { ExitError, errorCode, reportError } from "./errors.js";
import { type CliIO, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./io.js";

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** `--json` anywhere on the line (also before a usage error stops the parse). */
function wantsJson(argv: readonly string[] | undefined): boolean {
  return argv?.includes("--json") === true;
}

export function buildProgram(io: CliIO): Command {
  const program = new Command("spool")
    .description("Background jobs for TypeScript: run workers, enqueue and inspect jobs and queues.")
    .version(version(), "-V, --version")
    .option("--backend <url>", "where state lives (default: $SPOOL_URL, else sqlite://.spool/spool.db)")
    .option(
      "--app <module>",
      "module that exports your spool instance (default or `spool`) and defines the tasks",
    )
    .option("--json", "machine-readable output")
    .option("-q, --quiet", "print only what scripts need")
    .option("--verbose", "debug logs and error stacks")
    .exitOverride()
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) =>
        write(
          wantsJson(io.argv)
            ? `${JSON.stringify({ error: { code: "USAGE", message: s.replace(/^error: /, "").trim() } })}\n`
            : s.replace(/^error: /, "error [USAGE]: "),
        ),
    })
    .showSuggestionAfterError(true);

  registerWorker(program, io);
  registerEnqueue(program, io);
  registerServer(program, io);
  const jobs = program.command("jobs").description("list, inspect, retry, cancel and remove jobs");
  registerJobsLs(jobs, io);
  registerJobsShow(jobs, io);
  registerJobsRetry(jobs, io);
  registerJobsCancel(jobs, io);
  registerJobsRm(jobs, io);
  registerJobsEdit(jobs, io);
  const queues = program.command("queues").description("queue counts, pause and resume");
  registerQueuesLs(queues, io);
  registerQueuesPause(queues, io);
  registerQueuesLimit(queues, io);
  registerQueuesResume(queues, io);
  const schedules = program
    .command("schedules")
    .description("list, add, remove, run, pause and resume schedules");
  registerSchedulesLs(schedules, io);
  registerSchedulesAdd(schedules, io);
  registerSchedulesActions(schedules, io);
  registerScheduler(program, io);
  registerDev(program, io);
  registerStats(program, io);
  registerMigrate(program, io);
  registerMove(program, io);
  return program;
}

/** Runs one command line (without the `node script` prefix) and resolves with its exit code. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const program = buildProgram({ ...io, argv });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ExitError) return err.exitCode;
    if (err instanceof CommanderError) {
      // Help and --version "exit" with 0; `spool` alone prints help as an error (exit 2).
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return EXIT_OK;
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const opts = program.opts<{ verbose?: boolean; app?: string; json?: boolean }>();
    const verbose = opts.verbose === true || argv.includes("--verbose");
    const hint =
      errorCode(err) === "UNKNOWN_TASK" && !opts.app
        ? "pass --app MODULE (the module that exports your spool instance) so the CLI knows your tasks"
        : undefined;
    const json = opts.json === true || wantsJson(argv);
    const code = reportError(io.stderr, err, { verbose, hint, json });
    return code === EXIT_OK ? EXIT_FAILURE : code;
  }
}

/** Entry point of the `spool` binary. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const code = await runCli(argv, { stdout: process.stdout, stderr: process.stderr });
  // Exit explicitly: a command that closed everything it opened still should not wait on a
  // stray handle in a user's app module.
  process.exit(code);
}
