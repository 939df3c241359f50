/**
 * `spool migrate`: creates or upgrades the backend's schema. Idempotent and safe to race
 * (every backend's `migrate()` is); workers and clients also migrate on first use, so this
 * is for deploy pipelines that want the schema in place, and any error, up front.
 */
import type { Command } from "commander";
import { withContext } from "../context.js";
import type { CliIO } from "../io.js";

export function registerMigrate(program: Command, io: CliIO): void {
  program
    .command("migrate")
    .description("create or upgrade the backend's schema")
    .action((_opts: unknown, command: Command) =>
      withContext(command, io, async (ctx) => {
        const spool = await ctx.open();
        const started = Date.now();
        // `backend()` creates the store and runs its migrations once.
        const backend = await spool.backend();
        const ms = Date.now() - started;
        if (ctx.json) ctx.outJson({ backend: ctx.backendLabel, kind: backend.kind, migrated: true, ms });
        else
          ctx.out(
            `migrated ${ctx.backendLabel} (${backend.kind}): schema created or upgraded, now up to date`,
          );
      }),
    );
}
