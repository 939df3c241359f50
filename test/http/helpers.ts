/**
 * A real spool HTTP server on 127.0.0.1 with an ephemeral port, plus small clients for JSON
 * and Server-Sent Events. Every test file gets its own server and backend.
 */

import { createServer, type ServerOptions, type SpoolServer } from "../../src/http/index.js";
import { createSpool, type Spool } from "../../src/index.js";
import { deferred } from "../support/wait-for.js";

export const ADMIN = "admin-token-0123456789";
export const READ = "read-token-0123456789";

// biome-ignore lint/suspicious/noExplicitAny: tests inspect JSON responses loosely
type Json = any;

export interface TestServer {
  url: string;
  spool: Spool;
  server: SpoolServer;
  /** Fetch with the admin token and a JSON body (bearer calls need no CSRF header; `csrf: true` adds it anyway). */
  api(path: string, init?: ApiInit): Promise<{ status: number; body: Json; headers: Headers }>;
  close(): Promise<void>;
}

export interface ApiInit {
  method?: string;
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  csrf?: boolean;
}

/** Gate used by the `gate` task: tests open it to let a running job finish. */
export const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();

export function defineTasks(spool: Spool): void {
  spool.task({ name: "add", run: (i: { a: number; b: number }) => i.a + i.b });
  spool.task({ name: "echo", queue: "echo", run: (i: unknown) => i });
  spool.task({
    name: "boom",
    retry: { attempts: 1 },
    run: () => {
      throw new Error("boom!");
    },
  });
  spool.task({
    name: "logs",
    run: async (_: unknown, ctx) => {
      ctx.log.info("hello from the handler", { n: 1 });
      await ctx.progress(50, "half");
      return "logged";
    },
  });
  spool.task({
    name: "gate",
    queue: "gated",
    run: async (i: { name: string }, ctx) => {
      let g = gates.get(i.name);
      if (!g) gates.set(i.name, (g = deferred<void>()));
      await Promise.race([
        g.promise,
        new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
      ]);
      return "opened";
    },
  });
}

export async function startTestServer(
  options: Partial<ServerOptions> = {},
  backend = "memory://",
): Promise<TestServer> {
  const spool = createSpool({ backend, logger: { level: "silent" } });
  defineTasks(spool);
  const server = createServer(spool, {
    port: 0,
    host: "127.0.0.1",
    tokens: [
      { token: ADMIN, role: "admin" },
      { token: READ, role: "read" },
    ],
    processMetrics: false,
    // Test files make many deliberate 401s from 127.0.0.1; the limiter has its own tests.
    authFailureLimit: { max: 1_000_000, window: "1m" },
    ...options,
  });
  const { url } = await server.listen();
  const api: TestServer["api"] = async (path, init = {}) => {
    const headers: Record<string, string> = {};
    const token = init.token === undefined ? ADMIN : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    const method = init.method ?? (init.body === undefined ? "GET" : "POST");
    if (method !== "GET" && init.csrf === true) headers["x-spool-request"] = "1";
    if (init.body !== undefined) headers["content-type"] = "application/json";
    Object.assign(headers, init.headers);
    const res = await fetch(url + path, {
      method,
      headers,
      body:
        init.body === undefined
          ? undefined
          : typeof init.body === "string"
            ? init.body
            : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, body, headers: res.headers };
  };
  return {
    url,
    spool,
    server,
    api,
    async close() {
      await server.close();
      await spool.close();
    },
  };
}

export interface SseMessage {
  id?: string;
  event?: string;
  data?: Json;
  comment?: string;
}

/** A minimal EventSource over fetch: collects parsed messages until closed. */
export class SseReader {
  readonly messages: SseMessage[] = [];
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];
  status = 0;
  ready: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ready = this.run(url, headers);
  }

  private async run(url: string, headers: Record<string, string>): Promise<void> {
    const res = await fetch(url, {
      headers: { authorization: `Bearer ${READ}`, ...headers },
      signal: this.controller.signal,
    });
    this.status = res.status;
    if (!res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf("\n\n");
          while (end !== -1) {
            this.parse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
          }
        }
      } catch {
        // aborted
      }
    })();
  }

  private parse(block: string): void {
    const msg: SseMessage = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) msg.comment = line.slice(1).trim();
      else if (line.startsWith("id: ")) msg.id = line.slice(4);
      else if (line.startsWith("event: ")) msg.event = line.slice(7);
      else if (line.startsWith("data: ")) msg.data = JSON.parse(line.slice(6));
    }
    this.messages.push(msg);
    for (const w of this.waiters.splice(0)) w();
  }

  get events(): SseMessage[] {
    return this.messages.filter((m) => m.data !== undefined);
  }

  /** Waits until `pred` holds over the messages so far (bounded). */
  async until(pred: (messages: SseMessage[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.messages)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE: timed out; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }
}

export interface BrowserSession {
  /** `spool_session=<value>`, ready for a Cookie header. */
  cookie: string;
  /** The whole Set-Cookie line the login answered with. */
  setCookie: string;
  csrfToken: string;
  body: Json;
}

/** Logs in as the dashboard does (POST /api/session with a token). */
export async function login(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<BrowserSession> {
  const res = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ token }),
  });
  const body = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { cookie: setCookie.split(";")[0]!, setCookie, csrfToken: body.csrfToken, body };
}
