/**
 * A maintenance loop: runs `task` every `intervalMs` (first run after a random fraction of
 * it, so workers started together do not hit the store in lock-step). Never overlaps
 * itself; errors go to `onError` and the loop goes on. `runOnce` is for tests.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly onError: (name: string, err: unknown) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.timer = setTimeout(async () => {
        await this.runOnce();
        if (this.timer) tick();
      }, this.intervalMs);
      this.timer.unref();
    };
    this.timer = setTimeout(
      async () => {
        await this.runOnce();
        if (this.timer) tick();
      },
      Math.floor(Math.random() * this.intervalMs),
    );
    this.timer.unref();
  }

  /** Reports an error of this loop's task that happened outside it (e.g. a first run done by hand). */
  reportError(err: unknown): void {
    this.onError(this.name, err);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  runOnce(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.task()
      .then(() => undefined)
      .catch((err) => this.onError(this.name, err))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
