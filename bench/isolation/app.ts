/** Tasks the isolation bench runs (children load this module; the bench defines them too). */
import { createSpool, type Spool } from "../../src/index.js";

export function defineBenchTasks(spool: Spool): void {
  spool.task({ name: "noop", run: (n: number) => n });
  /** A few tens of ms of CPU: a stand-in for rendering one PDF page. */
  spool.task({
    name: "cpu",
    run: (n: number) => {
      let x = n;
      for (let i = 0; i < 5e6; i++) x = (x * 31 + i) % 1_000_003;
      return x;
    },
  });
}

export const spool = createSpool();
defineBenchTasks(spool);
