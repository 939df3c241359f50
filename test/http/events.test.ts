import { afterEach, describe, expect, it } from "vitest";
import { EventHub } from "../../src/http/events/hub.js";
import { waitFor } from "../support/wait-for.js";
import { READ, SseReader, startTestServer, type TestServer } from "./helpers.js";

let t: TestServer | null = null;
const readers: SseReader[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await t?.close();
  t = null;
});

function open(url: string, headers: Record<string, string> = {}): SseReader {
  const r = new SseReader(url, headers);
  readers.push(r);
  return r;
}

describe("HTTP live events (SSE)", () => {
  it("streams change-feed events with ids, as they happen", async () => {
    t = await startTestServer();
    const sse = open(`${t.url}/api/events`);
    await sse.until((m) => m.some((x) => x.comment === "connected"));
    expect(sse.status).toBe(200);
    const worker = t.spool.worker({ queues: ["default"] });
    await worker.start();
    const { body } = await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 } } });
    await sse.until((m) => m.some((x) => x.data?.type === "job:completed" && x.data.jobId === body.id));
    await worker.stop();
    const mine = sse.events.filter((e) => e.data.jobId === body.id).map((e) => e.data.type);
    expect(mine).toEqual(["job:enqueued", "job:started", "job:completed"]);
    for (const e of sse.events) expect(e.id).toMatch(/^[0-9a-f]{8}-\d+$/);
    const seqs = sse.events.map((e) => Number(e.id!.split("-")[1]));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(sse.events[0]!.data).toMatchObject({ queue: "default", state: "queued" });
  });

  it("filters by queue, job and type", async () => {
    t = await startTestServer();
    const a = (
      await t.api("/api/jobs", { body: { task: "add", input: { a: 1, b: 1 }, options: { delay: "1h" } } })
    ).body.id;
    const byQueue = open(`${t.url}/api/events?queue=echo`);
    const byJob = open(`${t.url}/api/events?job=${a}`);
    const byType = open(`${t.url}/api/events?type=job:cancelled`);
    await Promise.all(
      [byQueue, byJob, byType].map((r) => r.until((m) => m.some((x) => x.comment === "connected"))),
    );
    const e = (await t.api("/api/jobs", { body: { task: "echo", input: 1 } })).body.id;
    await t.api(`/api/jobs/${a}/cancel`, { method: "POST" });
    await byJob.until((m) => m.some((x) => x.data?.type === "job:cancelled"));
    await byType.until((m) => m.some((x) => x.data?.type === "job:cancelled"));
    await byQueue.until((m) => m.some((x) => x.data?.jobId === e));
    expect(byQueue.events.every((x) => x.data.queue === "echo")).toBe(true);
    expect(byJob.events.map((x) => x.data.jobId)).toEqual([a]);
    expect(byType.events.map((x) => x.data.type)).toEqual(["job:cancelled"]);
  });

  it("resumes after Last-Event-ID with exactly the missed events", async () => {
    t = await startTestServer();
    const first = open(`${t.url}/api/events`);
    await first.until((m) => m.some((x) => x.comment === "connected"));
    const one = (await t.api("/api/jobs", { body: { task: "echo", input: 1 } })).body.id;
    await first.until((m) => m.some((x) => x.data?.jobId === one));
    const lastId = first.events.at(-1)!.id!;
    first.close();
    const missed: string[] = [];
    for (let i = 0; i < 3; i++)
      missed.push((await t.api("/api/jobs", { body: { task: "echo", input: i } })).body.id);
    await t.server.metrics!.flush();
    const resumed = open(`${t.url}/api/events`, { "last-event-id": lastId });
    await resumed.until((m) => missed.every((id) => m.some((x) => x.data?.jobId === id)));
    expect(resumed.events.map((x) => x.data.jobId)).toEqual(missed);
    expect(resumed.messages.some((x) => x.event === "spool:resync")).toBe(false);
    // The query-string form works as well (for clients that cannot set headers).
    const viaQuery = open(`${t.url}/api/events?lastEventId=${lastId}`);
    await viaQuery.until((m) => missed.every((id) => m.some((x) => x.data?.jobId === id)));
  });

  it("says resync when the id is from another server or older than the buffer", async () => {
    t = await startTestServer({ eventBuffer: 4 });
    for (let i = 0; i < 10; i++) await t.api("/api/jobs", { body: { task: "echo", input: i } });
    const foreign = open(`${t.url}/api/events`, { "last-event-id": "00000000-3" });
    await foreign.until((m) => m.some((x) => x.event === "spool:resync"));
    expect(foreign.messages.find((x) => x.event === "spool:resync")!.data).toEqual({
      reason: "unknown-stream",
    });
    const live = open(`${t.url}/api/events`);
    await live.until((m) => m.some((x) => x.comment === "connected"));
    const next = (await t.api("/api/jobs", { body: { task: "echo", input: 1 } })).body.id;
    await live.until((m) => m.some((x) => x.data?.jobId === next));
    const boot = live.events[0]!.id!.split("-")[0];
    const evicted = open(`${t.url}/api/events`, { "last-event-id": `${boot}-1` });
    await evicted.until((m) => m.some((x) => x.event === "spool:resync"));
    expect(evicted.messages.find((x) => x.event === "spool:resync")!.data).toEqual({ reason: "evicted" });
  });

  it("forgets a stream when its client disconnects, and closes streams on server close", async () => {
    t = await startTestServer();
    const sse = open(`${t.url}/api/events`);
    await sse.until((m) => m.some((x) => x.comment === "connected"));
    const streams = async () =>
      Number(/spool_http_event_streams (\d+)/.exec((await t!.api("/metrics")).body as string)?.[1]);
    expect(await streams()).toBe(1);
    sse.close();
    await waitFor(async () => (await streams()) === 0);
    const other = open(`${t.url}/api/events`);
    await other.until((m) => m.some((x) => x.comment === "connected"));
    await t.close();
    t = null;
  });

  it("sends heartbeat comments", async () => {
    t = await startTestServer({ heartbeat: 30 });
    const sse = open(`${t.url}/api/events`);
    await sse.until((m) => m.filter((x) => x.comment === "ping").length >= 2);
  });

  it("needs a read token, refuses bad filters, and caps the number of streams", async () => {
    t = await startTestServer({ sseClientsMax: 1 });
    const anon = await fetch(`${t.url}/api/events`);
    expect(anon.status).toBe(401);
    const bad = await fetch(`${t.url}/api/events?bogus=1`, { headers: { authorization: `Bearer ${READ}` } });
    expect(bad.status).toBe(400);
    const one = open(`${t.url}/api/events`);
    await one.until((m) => m.some((x) => x.comment === "connected"));
    const two = await fetch(`${t.url}/api/events`, { headers: { authorization: `Bearer ${READ}` } });
    expect(two.status).toBe(503);
    expect(((await two.json()) as { error: { code: string } }).error.code).toBe("TOO_MANY_STREAMS");
  });

  it("uses one change-feed subscription whatever the number of clients", async () => {
    t = await startTestServer();
    const backend = await t.spool.backend();
    let subscriptions = 0;
    const original = backend.subscribe.bind(backend);
    backend.subscribe = (listener) => {
      subscriptions++;
      return original(listener);
    };
    const clients = Array.from({ length: 5 }, () => open(`${t!.url}/api/events`));
    await Promise.all(clients.map((c) => c.until((m) => m.some((x) => x.comment === "connected"))));
    const id = (await t.api("/api/jobs", { body: { task: "echo", input: 1 } })).body.id;
    await Promise.all(clients.map((c) => c.until((m) => m.some((x) => x.data?.jobId === id))));
    expect(subscriptions).toBe(0);
  });
});

describe("EventHub ring buffer", () => {
  const event = (n: number) => ({ type: "job:enqueued" as const, jobId: `j${n}`, queue: "q", at: n });

  it("replays what follows an id, and reports ids it cannot serve", () => {
    const hub = new EventHub(3);
    for (let i = 1; i <= 5; i++) hub.publish([event(i)]);
    expect(hub.resume(undefined)).toEqual({ kind: "live" });
    const r = hub.resume(`${hub.boot}-3`);
    expect(r.kind === "replay" && r.events.map((e) => e.event.jobId)).toEqual(["j4", "j5"]);
    expect(hub.resume(`${hub.boot}-5`)).toEqual({ kind: "live" });
    expect(hub.resume(`${hub.boot}-2`).kind).toBe("replay");
    expect(hub.resume(`${hub.boot}-1`)).toEqual({ kind: "gap", reason: "evicted" });
    expect(hub.resume(`${hub.boot}-9`)).toEqual({ kind: "gap", reason: "unknown-stream" });
    expect(hub.resume("garbage")).toEqual({ kind: "gap", reason: "unknown-stream" });
  });
});
