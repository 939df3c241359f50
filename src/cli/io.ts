/**
 * What a CLI run talks to. `runCli` takes it as a parameter so tests run commands in-process
 * with captured output; `main()` passes the real process.
 */
export interface CliWritable {
  write(chunk: string): unknown;
  /** True when the stream is a terminal (tables stay the same; progress lines update in place). */
  isTTY?: boolean;
}

/** The slice of `process` the worker command needs for signals and a forced exit. */
export interface CliProcess {
  on(event: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: "SIGTERM" | "SIGINT", listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never | void;
}

export interface CliIO {
  stdout: CliWritable;
  stderr: CliWritable;
  /** Environment to read `SPOOL_URL` from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Base for relative `--app` paths. Default `process.cwd()`. */
  cwd?: string;
  /** Signal source for `spool worker`. Default `process`. */
  process?: CliProcess;
  /** The command line being run (set by `runCli`; lets usage errors honour `--json`). */
  argv?: readonly string[];
}

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
