/**
 * The strategy at the cap on spool's connection (insert.ts `AtCap`, cap-strategy.ts): every
 * path that inserts jobs inside spool's own transaction passes it to `insertEach` (enqueue,
 * schedule fires), so the rule is decided in the same write as the insert.
 */
import { cancelTree } from "./control.js";
import type { AtCap } from "./insert.js";
import type { SqliteStore } from "./store.js";

export function atCapOf(s: SqliteStore, now: number): AtCap {
  return {
    live: (task, key) =>
      (key === null ? s.sql.flowLiveTask.all({ task }) : s.sql.flowLiveKey.all({ task, key })).map(
        (r) => r.id,
      ),
    cancel: (id, reason, events) => {
      cancelTree(s, id, now, events, reason, []);
    },
  };
}
