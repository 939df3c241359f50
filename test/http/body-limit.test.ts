/**
 * The 413 (and every other refusal of a request with a body) reaches the client. The clients
 * here are raw sockets that write their whole body before reading anything, and block their
 * event loop a moment as a busy client would, against a server in another process: a server
 * that closes the socket while the body is still arriving resets the connection, and the
 * client never reads the answer.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainUnreadBody } from "../../src/http/body-drain.js";
import { ADMIN } from "./helpers.js";

const FIVE_MB = 5 * 1024 * 1024;

let child: ChildProcess;
let url: string;
let port: number;
beforeAll(async () => {
  child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./fixtures/serve.ts", import.meta.url).pathname],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let out = "";
  child.stdout!.setEncoding("utf8");
  url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server fixture exited with ${code}`)));
    child.stdout!.on("data", (d: string) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]!);
    });
  });
  port = Number(new URL(url).port);
});
afterAll(async () => {
  if (child.exitCode === null) {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
});

interface RawExchange {
  /** Everything the server sent before the socket closed (or `readFor` ran out). */
  text: string;
  /** Socket errors the client saw (EPIPE, ECONNRESET …). */
  errors: string[];
}

function headers(extra: string[]): string {
  return [
    "POST /api/jobs HTTP/1.1",
    "Host: 127.0.0.1",
    `Authorization: Bearer ${ADMIN}`,
    "Content-Type: application/json",
    "X-Spool-Request: 1",
    ...extra,
    "",
    "",
  ].join("\r\n");
}

/**
 * Writes `head` and `body` at once, blocks the event loop for `busyMs` (the answer and any
 * reset arrive meanwhile), then reads until the server closes or `readFor` ms pass; `after`
 * is written once the first answer arrived (to reuse the connection).
 */
function rawExchange(head: string, body: Buffer, options: { busyMs?: number; after?: string } = {}) {
  return new Promise<RawExchange>((resolve) => {
    const out: RawExchange = { text: "", errors: [] };
    const socket: Socket = connect(port, "127.0.0.1", () => {
      socket.write(head);
      socket.write(body);
      const until = Date.now() + (options.busyMs ?? 150);
      while (Date.now() < until) {
        // a busy client: nothing is read while the server answers
      }
    });
    let sentAfter = false;
    socket.on("data", (d) => {
      out.text += d.toString("latin1");
      if (options.after && !sentAfter && /\r\n\r\n\{.*\}$/s.test(out.text)) {
        sentAfter = true;
        socket.write(options.after);
      }
      if (options.after && sentAfter && (out.text.match(/HTTP\/1\.1 /g) ?? []).length >= 2) {
        const second = out.text.slice(out.text.lastIndexOf("HTTP/1.1 "));
        if (/\r\n\r\n\{.*\}$/s.test(second)) socket.end();
      }
    });
    socket.on("error", (e: NodeJS.ErrnoException) => out.errors.push(e.code ?? e.message));
    socket.on("close", () => resolve(out));
    if (!options.after) {
      // The server keeps the connection open for reuse; stop once the answer is complete.
      socket.on("data", () => {
        if (/\r\n\r\n\{.*\}$/s.test(out.text)) socket.end();
      });
    }
  });
}

function chunked(body: Buffer, chunkSize = 64 * 1024): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunkSize) {
    const part = body.subarray(i, i + chunkSize);
    parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}

function expect413(res: RawExchange): void {
  expect(res.text, `errors: ${res.errors.join(",")}`).toMatch(/^HTTP\/1\.1 413 /);
  const json = JSON.parse(res.text.slice(res.text.indexOf("\r\n\r\n") + 4)) as { error: { code: string } };
  expect(json.error.code).toBe("REQUEST_TOO_LARGE");
}

describe("a refused request body", () => {
  it("gets its typed 413 when the client sends a declared 5 MB body before reading", async () => {
    const body = Buffer.alloc(FIVE_MB, "a");
    for (let i = 0; i < 5; i++) expect413(await rawExchange(headers([`Content-Length: ${FIVE_MB}`]), body));
  });

  it("gets its typed 413 for a chunked 5 MB body", async () => {
    const body = chunked(Buffer.alloc(FIVE_MB, "a"));
    for (let i = 0; i < 3; i++) expect413(await rawExchange(headers(["Transfer-Encoding: chunked"]), body));
  });

  it("gets its typed 413 after 100 Continue when the client asked with Expect", async () => {
    const res = await rawExchange(
      headers([`Content-Length: ${FIVE_MB}`, "Expect: 100-continue"]),
      Buffer.alloc(FIVE_MB, "a"),
    );
    expect(res.text.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, "")).toMatch(/^HTTP\/1\.1 413 /);
  });

  it("leaves the connection usable: the next request on the same socket is answered", async () => {
    const res = await rawExchange(headers([`Content-Length: ${FIVE_MB}`]), Buffer.alloc(FIVE_MB, "a"), {
      after: "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    });
    expect(res.text).toMatch(/^HTTP\/1\.1 413 /);
    expect(res.text.slice(res.text.lastIndexOf("HTTP/1.1 "))).toMatch(/^HTTP\/1\.1 200 /);
  });

  it("wrote nothing", async () => {
    const res = await fetch(`${url}/api/jobs`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await res.json()) as { jobs: unknown[] }).jobs).toEqual([]);
  });
});

describe("drainUnreadBody", () => {
  async function serve(onRequest: (req: IncomingMessage) => void) {
    const server = createHttpServer(async (req, res) => {
      // As the body-limit middleware does with a chunked body: read part of it through a web
      // stream, then refuse. (A body nobody touched Node discards itself, without 'data'.)
      await Readable.toWeb(req).getReader().read();
      res.once("finish", () => onRequest(req));
      res.writeHead(413, { "content-type": "text/plain" }).end("no");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, port: (server.address() as { port: number }).port };
  }

  it("stops reading past its byte cap by closing the socket", async () => {
    const s = await serve((req) => drainUnreadBody(req, { bytesMax: 64 * 1024, timeoutMs: 60_000 }));
    try {
      const closed = await new Promise<boolean>((resolve) => {
        const socket = connect(s.port, "127.0.0.1", () => {
          socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${FIVE_MB}\r\n\r\n`);
          // Keep writing until the server gives up; a server that drained everything never closes.
          const chunk = Buffer.alloc(64 * 1024, "a");
          let sent = 0;
          const pump = () => {
            while (sent < FIVE_MB && !socket.destroyed) {
              sent += chunk.length;
              if (!socket.write(chunk)) return void socket.once("drain", pump);
            }
          };
          pump();
        });
        socket.on("error", () => {});
        socket.on("close", () => resolve(true));
      });
      expect(closed).toBe(true);
    } finally {
      s.server.closeAllConnections();
      await new Promise((resolve) => s.server.close(resolve));
    }
  });
});
