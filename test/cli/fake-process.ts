/** A stand-in for `process` so in-process tests can send the worker command SIGTERM. */
import { EventEmitter } from "node:events";
import type { CliProcess } from "../../src/cli/io.js";

export class FakeProcess extends EventEmitter implements CliProcess {
  exitCode: number | null = null;
  override on(event: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): this {
    return super.on(event, listener);
  }
  override off(event: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): this {
    return super.off(event, listener);
  }
  exit(code: number): void {
    this.exitCode = code;
  }
  signal(name: "SIGTERM" | "SIGINT"): void {
    this.emit(name, name);
  }
}
