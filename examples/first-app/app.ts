import { createSpool, NonRetriableError } from "spool";
import { z } from "zod";

// The store: sqlite://.spool/spool.db in the directory you run from, or $SPOOL_URL
// (redis://…, memory://). `spool worker --app ./app.ts` imports this module and runs its tasks.
export const spool = createSpool();

export const renderPdf = spool.task({
  name: "pdf.render",
  queue: "pdf",
  schema: z.object({ templateId: z.string() }), // optional: checked at enqueue time
  retry: { attempts: 5, backoff: { type: "exponential", delay: "1s", max: "5m", jitter: true } },
  timeout: "2m",
  async run(input, ctx) {
    if (input.templateId === "") throw new NonRetriableError("no template");
    await ctx.progress(40, "rendering"); // ctx.signal aborts on timeout, cancel, lease loss, shutdown
    return { url: `/files/${input.templateId}.pdf` };
  },
});
