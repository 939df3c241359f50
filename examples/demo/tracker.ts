/**
 * Follows a worker through its events (`job:started`, `job:completed`, `job:retried`,
 * `job:failed`) and renders the live progress line: one line updated in place on a
 * terminal, a plain line every second otherwise (CI logs have no TTY).
 */
import type { Worker } from "../../src/index.js";

export interface TaskTally {
  started: number;
  completed: number;
  retried: number;
  failed: number;
}

export class Tracker {
  readonly byTask = new Map<string, TaskTally>();
  /** Order in which jobs of each task started, by id (to show priority at work). */
  readonly startOrder = new Map<string, string[]>();
  readonly startedAt = new Map<string, number>();
  private readonly taskOf = new Map<string, string>();
  completed = 0;
  failed = 0;
  retried = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly t0 = performance.now();
  private done: (() => void) | null = null;

  constructor(
    readonly total: number,
    private readonly out: NodeJS.WriteStream,
  ) {}

  attach(worker: Worker): void {
    worker.on("job:started", (job) => {
      this.taskOf.set(job.id, job.task);
      this.tally(job.task).started++;
      if (!this.startedAt.has(job.id)) {
        this.startedAt.set(job.id, Date.now());
        const order = this.startOrder.get(job.task) ?? [];
        order.push(job.id);
        this.startOrder.set(job.task, order);
      }
    });
    worker.on("job:completed", (id) => {
      this.completed++;
      this.tally(this.taskOf.get(id)).completed++;
      this.check();
    });
    worker.on("job:retried", (id) => {
      this.retried++;
      this.tally(this.taskOf.get(id)).retried++;
    });
    worker.on("job:failed", (id) => {
      this.failed++;
      this.tally(this.taskOf.get(id)).failed++;
      this.check();
    });
  }

  get finished(): number {
    return this.completed + this.failed;
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }

  /** Resolves when every job completed or failed. */
  allFinished(): Promise<void> {
    if (this.finished >= this.total) return Promise.resolve();
    return new Promise((resolve) => {
      this.done = resolve;
    });
  }

  startDisplay(): void {
    const tty = this.out.isTTY === true;
    this.timer = setInterval(() => this.render(tty), tty ? 100 : 1000);
    this.timer.unref();
  }

  stopDisplay(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.render(this.out.isTTY === true);
    if (this.out.isTTY) this.out.write("\n");
  }

  line(): string {
    const s = this.elapsedMs / 1000;
    const width = 24;
    const filled = Math.round((this.finished / Math.max(1, this.total)) * width);
    const bar = `${"#".repeat(filled)}${"-".repeat(width - filled)}`;
    const rate = s > 0 ? Math.round(this.finished / s) : 0;
    return (
      `[${bar}] ${this.finished}/${this.total} finished · ${this.completed} completed · ` +
      `${this.retried} retried · ${this.failed} failed · ${rate} jobs/s · ${s.toFixed(1)}s`
    );
  }

  private render(tty: boolean): void {
    // Cut to the terminal width: a wrapped line could not be redrawn in place.
    if (tty)
      this.out.write(`\r\u001b[2K${this.line().slice(0, Math.max(20, (this.out.columns ?? 120) - 1))}`);
    else this.out.write(`${this.line()}\n`);
  }

  private tally(task: string | undefined): TaskTally {
    const key = task ?? "?";
    let t = this.byTask.get(key);
    if (!t) this.byTask.set(key, (t = { started: 0, completed: 0, retried: 0, failed: 0 }));
    return t;
  }

  private check(): void {
    if (this.finished >= this.total && this.done) {
      this.done();
      this.done = null;
    }
  }
}
