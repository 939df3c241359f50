/**
 * `jobs retry|cancel|rm ID...`: one backend call for all ids, then a line per id. Ids the
 * backend skipped are explained (not found, or a state that does not allow the action) and
 * make the command exit 1, so scripts notice.
 */
import { InvalidStateError, NotFoundError } from "../core/errors/index.js";
import type { CliContext } from "./context.js";
import { ExitError, reportError } from "./errors.js";
import { EXIT_FAILURE } from "./io.js";

export interface BulkOutcome {
  done: string[];
  skipped: string[];
}

export async function runBulkAction(
  ctx: CliContext,
  ids: string[],
  verb: { action: string; past: string },
  act: (ids: string[]) => Promise<BulkOutcome>,
): Promise<void> {
  const spool = await ctx.open({ expectsData: true });
  const unique = [...new Set(ids)];
  const out = await act(unique);
  const records = out.skipped.length ? await (await spool.backend()).jobGetMany({ ids: out.skipped }) : [];
  const byId = new Map(records.map((r) => [r.id, r]));
  const reasons = out.skipped.map((id) => {
    const r = byId.get(id);
    return r ? new InvalidStateError(id, r.state, verb.action) : new NotFoundError("job", id);
  });
  if (ctx.json) {
    ctx.outJson({
      [verb.past]: out.done,
      skipped: reasons.map((e, i) => ({ id: out.skipped[i], code: e.code, message: e.message })),
    });
  } else {
    for (const id of out.done) ctx.out(`${verb.past} ${id}`);
    for (const e of reasons) reportError(ctx.io.stderr, e, { verbose: false });
  }
  if (reasons.length) throw new ExitError(EXIT_FAILURE);
}
