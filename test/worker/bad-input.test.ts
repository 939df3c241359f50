/**
 * DESIGN guarantee: bad input gets a clear typed error and writes nothing. Each case checks
 * the error's type, code and message, and that the store holds as many jobs as before.
 */
import { afterEach, describe, expect, test } from "vitest";
import { z } from "zod";
import {
  InvalidArgumentError,
  PayloadTooLargeError,
  SerializationError,
  type SpoolError,
  UnknownTaskError,
  ValidationError,
} from "../../src/core/errors/index.js";
import { BACKEND_KINDS, createHarness, type Harness } from "./harness.js";

describe.each(BACKEND_KINDS)("bad input on %s", (kind) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  /** Runs `attempt`, expects it to throw `type`, and checks nothing was written. */
  async function rejects<E extends SpoolError>(
    attempt: () => Promise<unknown>,
    type: abstract new (...args: never[]) => E,
  ): Promise<E> {
    const before = await h.totalJobs();
    const err = await attempt().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(type);
    expect(await h.totalJobs()).toBe(before);
    return err as E;
  }

  async function setup() {
    h = await createHarness(kind, { payloadLimit: 4096 });
    const echo = h.spool.task({ name: "echo", run: async (input: unknown) => input });
    const signup = h.spool.task({
      name: "signup",
      schema: z.object({ email: z.email(), profile: z.object({ age: z.number().int().min(0) }) }),
      run: async (input) => input.email,
    });
    // One good job first, so "nothing written" is checked against a non-empty store.
    await echo.enqueue({ ok: true });
    expect(await h.totalJobs()).toBe(1);
    return { echo, signup };
  }

  test("an unknown task name is refused with UnknownTaskError naming the known tasks", async () => {
    await setup();
    const err = await rejects(() => h.spool.enqueue("pdf.rendr", {}), UnknownTaskError);
    expect(err.code).toBe("UNKNOWN_TASK");
    expect(err.message).toBe('unknown task "pdf.rendr" (known: echo, signup)');
  });

  test("input that fails the task's schema is refused with ValidationError and the issue's path", async () => {
    const { signup } = await setup();
    const err = await rejects(
      () => signup.enqueue({ email: "ada@example.com", profile: { age: 1.5 } }),
      ValidationError,
    );
    expect(err.code).toBe("VALIDATION_FAILED");
    expect(err.issues[0]?.path).toEqual(["profile", "age"]);
    expect(err.message).toMatch(/^input of task "signup" is invalid at profile\.age: /);
    const bad = await rejects(
      () => signup.enqueue({ email: "not-an-email", profile: { age: 3 } }),
      ValidationError,
    );
    expect(bad.issues[0]?.path).toEqual(["email"]);
    // By name (CLI, HTTP) the schema applies too.
    await rejects(() => h.spool.enqueue("signup", { email: 42 }), ValidationError);
  });

  test.each([
    ["a function", { cb: () => 1 }, "cb", "functions cannot be serialized"],
    ["a symbol", { tag: Symbol("x") }, "tag", "symbols cannot be serialized"],
    [
      "a cycle",
      (() => {
        const a: Record<string, unknown> = { name: "a" };
        a.self = a;
        return { a };
      })(),
      "a.self",
      "circular reference",
    ],
    ["a class instance", { when: new (class Money {})() }, "when", "instances of Money cannot be serialized"],
  ])(
    "input holding %s is refused with SerializationError naming the path",
    async (_what, input, path, reason) => {
      const { echo } = await setup();
      const err = await rejects(() => echo.enqueue(input), SerializationError);
      expect(err.code).toBe("UNSERIALIZABLE");
      expect(err.path).toBe(path);
      expect(err.message).toContain(`at ${path}`);
      expect(err.message).toContain(reason);
    },
  );

  test("input over the payload limit is refused with PayloadTooLargeError giving size and limit", async () => {
    const { echo } = await setup();
    const err = await rejects(() => echo.enqueue({ blob: "x".repeat(5000) }), PayloadTooLargeError);
    expect(err.code).toBe("PAYLOAD_TOO_LARGE");
    expect(err.limit).toBe(4096);
    expect(err.size).toBeGreaterThan(5000);
    expect(err.message).toBe(`input is ${err.size} bytes; limit is 4096`);
  });

  test.each([
    ["delay", { delay: "abc" }, /delay: cannot read "abc" as a duration/],
    ["priority", { priority: 1.5 }, /priority must be an integer .* got 1\.5/],
    ["attempts", { attempts: 0 }, /attempts must be an integer in 1\.\.\d+, got 0/],
    ["timeout", { timeout: -5 }, /timeout must be a finite number of ms >= 0, got -5/],
    ["queue", { queue: "bad queue!" }, /queue name "bad queue!" is invalid/],
  ])("a bad %s option is refused with InvalidArgumentError", async (argument, options, message) => {
    const { echo } = await setup();
    const err = await rejects(() => echo.enqueue({ ok: 1 }, options as never), InvalidArgumentError);
    expect(err.code).toBe("INVALID_ARGUMENT");
    expect(err.argument).toBe(argument);
    expect(err.message).toMatch(message);
  });

  test("one bad call in enqueueMany writes none of the batch", async () => {
    const { echo } = await setup();
    await rejects(
      () => echo.enqueueMany([{ input: { i: 1 } }, { input: { i: 2 } }, { input: { i: () => 3 } }]),
      SerializationError,
    );
    await rejects(
      () => echo.enqueueMany([{ input: { i: 1 } }, { input: { i: 2 }, options: { priority: 0.5 } }]),
      InvalidArgumentError,
    );
  });
});
