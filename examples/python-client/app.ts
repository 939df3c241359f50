/**
 * The spool app the Python example talks to: one task, `add`, the example's default.
 * Served with a worker by `npx spool dev --app examples/python-client/app.ts` (see README.md).
 */
import { createSpool } from "../../src/index.js";

export const spool = createSpool();

spool.task({ name: "add", run: (input: { a: number; b: number }) => input.a + input.b });
