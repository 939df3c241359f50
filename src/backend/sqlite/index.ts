/** `sqlite://path` — placeholder until the SQLite backend lands (being built now). */
import type { Clock } from "../../core/clock.js";
import { BackendError } from "../../core/errors/index.js";
import type { Backend } from "../backend.js";

export async function createSqliteBackend(_url: string, _options: { clock?: Clock }): Promise<Backend> {
  throw new BackendError("the SQLite backend is not built yet");
}
