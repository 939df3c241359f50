"""The spool client against a real `spool` HTTP server.

test/python/client.test.ts starts the server (SQLite backend, a worker, the tasks `add`, `echo`,
`boom`, `gate`, `logs`, a schedule `py-nightly` and a workflow) and runs this file with
SPOOL_API, SPOOL_TOKEN (admin), SPOOL_READ_TOKEN and SPOOL_TEST_WORKFLOW set, on the
installed package (`pip install ./clients/python` into a virtual environment).
"""

from __future__ import annotations

import os
import threading
import time
import unittest
import urllib.parse
import uuid

import spool_client
from spool_client import (
    ConnectionFailed,
    Forbidden,
    InvalidArgument,
    InvalidState,
    JobCancelled,
    JobFailed,
    NotFound,
    SpoolClient,
    SpoolError,
    Unauthorized,
    UnknownTask,
    WaitTimeout,
)

from proxy import Proxy

API = os.environ["SPOOL_API"]
ADMIN = os.environ["SPOOL_TOKEN"]
READ = os.environ["SPOOL_READ_TOKEN"]


def client(**kw) -> SpoolClient:
    return SpoolClient(API, token=kw.pop("token", ADMIN), **kw)


def target():
    u = urllib.parse.urlparse(API)
    return (u.hostname, u.port)


class Installed(unittest.TestCase):
    def test_runs_from_the_installed_package(self):
        # Not from the source tree: the test runner installs ./clients/python into a venv.
        self.assertIn("site-packages", spool_client.__file__)


class Jobs(unittest.TestCase):
    def test_enqueue_and_result(self):
        c = client()
        job = c.enqueue("add", {"a": 2, "b": 40})
        self.assertTrue(job["created"])
        self.assertEqual(c.result(job["id"], timeout=30), 42)
        got = c.get(job["id"])
        self.assertEqual(got["state"], "completed")
        self.assertEqual(got["result"], 42)

    def test_idempotency_key_delay_priority_meta(self):
        c = client()
        key = f"order-{uuid.uuid4()}"
        first = c.enqueue("echo", "x", key=key, delay="1h", priority=7, queue="later", meta={"source": "py"})
        again = c.enqueue("echo", "y", key=key, delay="1h")
        self.assertTrue(first["created"])
        self.assertFalse(again["created"])
        self.assertEqual(again["id"], first["id"])
        job = c.get(first["id"])
        self.assertEqual(job["state"], "scheduled")
        self.assertEqual(job["priority"], 7)
        self.assertEqual(job["queue"], "later")
        self.assertEqual(job["key"], key)
        self.assertEqual(job["meta"]["source"], "py")
        self.assertGreater(job["runAt"], time.time() * 1000 + 3_000_000)
        listed = c.list(key=key)["jobs"]
        self.assertEqual([j["id"] for j in listed], [first["id"]])

    def test_lease_dedupe_depends_on(self):
        c = client()
        window = {"key": f"user-{uuid.uuid4()}", "window": "1h", "mode": "throttle"}
        first = c.enqueue("echo", "a", dedupe=window, lease="45s", delay="1h")
        again = c.enqueue("echo", "b", dedupe=window, delay="1h")
        self.assertEqual((again["id"], again["created"]), (first["id"], False))
        self.assertEqual(c.get(first["id"])["leaseMs"], 45_000)
        after = c.enqueue("echo", "c", depends_on=[first["id"]])
        job = c.get(after["id"])
        self.assertEqual((job["state"], job["dependsOn"]), ("waiting", [first["id"]]))
        with self.assertRaises(spool_client.InvalidArgument):
            c.enqueue("echo", "d", limit_key="tenant-1")  # echo has no keyed limit

    def test_enqueue_many_chunks_past_the_bulk_limit(self):
        c = client()
        batch = str(uuid.uuid4())
        jobs = [("echo", {"n": i}, {"queue": "later", "delay": "1h", "meta": {"batch": batch}}) for i in range(1005)]
        answers = c.enqueue_many(jobs)
        self.assertEqual(len(answers), 1005)
        self.assertEqual(len({a["id"] for a in answers}), 1005)
        self.assertEqual(c.get(answers[1004]["id"])["input"], {"n": 1004})
        runnable = c.enqueue_many([("add", {"a": 1, "b": 1}), ("add", {"a": 2, "b": 2})])
        self.assertEqual([c.result(a["id"], timeout=30) for a in runnable], [2, 4])

    def test_then_and_catch_follow_ups(self):
        c = client()
        later = {"queue": "later"}  # no worker serves "later": the follow-ups stay there to be read

        def follow_ups(parent):
            jobs = c.list(task="echo", queue="later", limit=1000)["jobs"]
            return [j for j in jobs if j["meta"].get("parent", {}).get("id") == parent]

        ok = c.enqueue(
            "add",
            {"a": 40, "b": 2},
            then={"task": "echo", "options": later},
            catch={"task": "echo", "input": "never", "options": later},
        )
        failed = c.enqueue("boom", catch={"task": "echo", "input": {"page": "ops"}, "options": {**later, "meta": {"team": "ops"}}})
        self.assertEqual(c.wait(ok["id"], timeout=30)["state"], "completed")
        self.assertEqual(c.wait(failed["id"], timeout=30)["state"], "failed")
        # Written in the same atomic write as the outcome: there once the outcome is.
        [then] = follow_ups(ok["id"])
        self.assertEqual((then["input"], then["meta"]["parent"]["outcome"]), (42, "completed"))
        [caught] = follow_ups(failed["id"])
        self.assertEqual(caught["input"], {"page": "ops"})
        self.assertEqual(caught["meta"], {"team": "ops", "parent": {"id": failed["id"], "outcome": "failed"}})

        # A task name alone: the parent's result is the follow-up's input (echo returns it).
        [chained] = c.enqueue_many([("add", {"a": 1, "b": 2}, {"then": "echo"})])
        c.result(chained["id"], timeout=30)
        jobs = c.list(task="echo", limit=1000)["jobs"]
        [echoed] = [j for j in jobs if j["meta"].get("parent", {}).get("id") == chained["id"]]
        self.assertEqual(c.result(echoed["id"], timeout=30), 3)

        tag = f"py-follow-{uuid.uuid4()}"
        with self.assertRaises(UnknownTask):
            c.enqueue("add", {"tag": tag}, then="no.such.task")
        with self.assertRaises(InvalidArgument):
            c.enqueue("add", {"tag": tag}, catch={"task": "echo", "options": {"delay": "1s"}})
        with self.assertRaises(TypeError):
            c.enqueue("add", {"tag": tag}, then={"tsk": "echo"})
        with self.assertRaises(TypeError):
            c.enqueue("add", {"tag": tag}, then=42)  # type: ignore[arg-type]
        self.assertEqual(c.list(search=tag)["jobs"], [])

    def test_logs(self):
        c = client()
        job = c.enqueue("logs")
        self.assertEqual(c.result(job["id"], timeout=30), "logged")
        self.assertTrue(any("hello from the handler" in line["message"] for line in c.logs(job["id"])))

    def test_wait_timeout_cancel_retry(self):
        c = client()
        gate = c.enqueue("gate", {"name": f"never-{uuid.uuid4()}"})
        with self.assertRaises(WaitTimeout) as caught:
            c.wait(gate["id"], timeout=1)
        self.assertIsInstance(caught.exception, TimeoutError)
        cancelled = c.cancel(gate["id"], reason="from python")
        self.assertEqual(cancelled["state"], "cancelled")
        with self.assertRaises(JobCancelled) as failed:
            c.result(gate["id"], timeout=30)
        self.assertIsInstance(failed.exception, JobFailed)
        self.assertEqual(failed.exception.state, "cancelled")
        retried = c.retry(gate["id"])
        self.assertIn(retried["state"], ("queued", "running"))
        c.cancel(gate["id"])
        with self.assertRaises(InvalidState):
            c.cancel(gate["id"])

    def test_failed_job(self):
        c = client()
        job = c.enqueue("boom")
        with self.assertRaises(JobFailed) as caught:
            c.result(job["id"], timeout=30)
        self.assertEqual(caught.exception.state, "failed")
        self.assertIn("boom!", str(caught.exception))
        self.assertNotIsInstance(caught.exception, JobCancelled)


class QueuesWorkersAndTheRest(unittest.TestCase):
    def test_queues_pause_resume_workers_delete_health(self):
        c = client()
        self.assertEqual(c.health()["status"], "ok")
        self.assertTrue(c.pause("later")["paused"])
        self.assertIn("later", [q["name"] for q in c.queues() if q["paused"]])
        self.assertFalse(c.resume("later")["paused"])
        self.assertGreaterEqual(len(c.workers()), 1)
        job = c.enqueue("echo", "bye", queue="later", delay="1h")
        c.delete(job["id"])
        with self.assertRaises(NotFound):
            c.get(job["id"])


    def test_promote_priority_input_and_actions_by_filter(self):
        c = client()
        tag = f"py-actions-{uuid.uuid4()}"
        # Queue "later" has no worker here, so the jobs stay where the actions put them.
        job = c.enqueue("echo", {"tag": tag}, queue="later", delay="1h")
        self.assertEqual(c.set_priority(job["id"], 42)["state"], "scheduled")
        self.assertEqual(c.get(job["id"])["priority"], 42)
        c.update_input(job["id"], {"tag": tag, "edited": True})
        self.assertEqual(c.get(job["id"])["input"], {"tag": tag, "edited": True})
        self.assertEqual(c.promote(job["id"])["state"], "queued")
        self.assertLess(c.get(job["id"])["runAt"], time.time() * 1000 + 60_000)
        with self.assertRaises(InvalidArgument):
            c.set_priority(job["id"], 1.5)

        c.enqueue("echo", {"tag": tag, "n": 2}, queue="later", delay="1h")
        counted = c.delete_matching(search=tag, queue="later", dry_run=True)
        self.assertEqual((counted["matched"], counted["affected"], counted["dryRun"]), (2, 0, True))
        # The promoted job is queued now, so only the second one is still scheduled.
        self.assertEqual(c.retry_matching(search=tag, state="scheduled", dry_run=True)["matched"], 1)
        done = c.delete_matching(search=tag, queue="later")
        self.assertEqual((done["matched"], done["affected"]), (2, 2))
        with self.assertRaises(NotFound):
            c.get(job["id"])
        with self.assertRaises(TypeError):
            c.delete_matching(serach=tag)


class Errors(unittest.TestCase):
    def test_codes_map_to_types(self):
        c = client()
        with self.assertRaises(UnknownTask) as e:
            c.enqueue("no.such.task")
        self.assertEqual((e.exception.status, e.exception.code), (422, "UNKNOWN_TASK"))
        with self.assertRaises(NotFound) as e:
            c.get("no-such-job")
        self.assertEqual((e.exception.status, e.exception.code), (404, "NOT_FOUND"))
        with self.assertRaises(InvalidArgument) as e:
            c.enqueue("add", {"a": 1, "b": 1}, priority="high")  # type: ignore[arg-type]
        self.assertEqual(e.exception.status, 400)
        self.assertTrue(e.exception.details["issues"])
        with self.assertRaises(Forbidden) as e:
            client(token=READ).enqueue("add", {"a": 1, "b": 1})
        self.assertEqual(e.exception.code, "FORBIDDEN")
        with self.assertRaises(Unauthorized):
            client(token="wrong-token-123456").get("x")
        done = c.enqueue("add", {"a": 1, "b": 1})
        c.result(done["id"], timeout=30)
        with self.assertRaises(InvalidState) as e:
            c.retry(done["id"])
        self.assertEqual((e.exception.status, e.exception.code), (409, "INVALID_STATE"))
        for err in (e.exception,):
            self.assertIsInstance(err, SpoolError)
        with self.assertRaises(TypeError):
            c.enqueue_many([("add", {}, {"colour": "red"})])


class Connections(unittest.TestCase):
    def test_refused_connections_are_retried_until_the_server_is_there(self):
        proxy = Proxy(target())
        threading.Timer(0.4, proxy.start).start()
        try:
            c = SpoolClient(proxy.url, token=ADMIN, retries=6, backoff=0.1)
            # A POST without a key is re-sent only because the refused connection sent nothing.
            job = c.enqueue("add", {"a": 20, "b": 22})
            self.assertEqual(c.result(job["id"], timeout=30), 42)
        finally:
            proxy.stop()

    def test_gives_up_with_connection_failed(self):
        proxy = Proxy(target())  # never listens
        c = SpoolClient(proxy.url, token=ADMIN, retries=2, backoff=0.05)
        started = time.monotonic()
        with self.assertRaises(ConnectionFailed):
            c.health()
        self.assertGreaterEqual(time.monotonic() - started, 0.05 + 0.1)  # two backoffs were waited

    def test_request_timeout(self):
        c = client(request_timeout=0.5, retries=0)
        gate = c.enqueue("gate", {"name": f"t-{uuid.uuid4()}"})
        try:
            # The long poll waits 1 s on the server; 0.5 s + 1 s of client budget is enough …
            self.assertFalse(c._call("GET", f"/api/jobs/{gate['id']}/result?wait=1s", extra_timeout=1)["done"])
            # … and without the extra budget the read times out.
            with self.assertRaises(ConnectionFailed):
                c._call("GET", f"/api/jobs/{gate['id']}/result?wait=3s")
        finally:
            c.cancel(gate["id"])


class Events(unittest.TestCase):
    def test_stream_reconnects_with_last_event_id(self):
        proxy = Proxy(target()).start()
        c = SpoolClient(proxy.url, token=READ)
        admin = client()
        queue = "sse"
        seen = []
        opened = threading.Event()
        got_first = threading.Event()
        done = threading.Event()
        stream = c.events(queue=queue, type=["job:enqueued", "job:completed"])

        def consume():
            opened.set()
            for event in stream:
                seen.append(event)
                kinds = [(e.job_id, e.type) for e in seen]
                if len(kinds) >= 2:
                    got_first.set()
                if len(kinds) >= 4:
                    done.set()
                    return

        reader = threading.Thread(target=consume, daemon=True)
        reader.start()
        try:
            opened.wait(5)
            # The stream is open once the proxy has its connection; then enqueue job A.
            deadline = time.monotonic() + 10
            while proxy.accepted < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            a = admin.enqueue("echo", "A", queue=queue)
            self.assertTrue(got_first.wait(30), f"first job's events: {seen}")
            proxy.drop_all()  # the network fails …
            b = admin.enqueue("echo", "B", queue=queue)  # … while job B runs
            self.assertEqual(admin.result(b["id"], timeout=30), "B")
            self.assertTrue(done.wait(30), f"events after the reconnect: {seen}")
        finally:
            stream.close()
            proxy.stop()
        self.assertEqual(
            [(e.job_id, e.type) for e in seen],
            [(a["id"], "job:enqueued"), (a["id"], "job:completed"), (b["id"], "job:enqueued"), (b["id"], "job:completed")],
        )
        self.assertGreaterEqual(stream.reconnects, 1)
        self.assertGreaterEqual(proxy.accepted, 2)
        self.assertEqual(len({e.id for e in seen}), 4)
        self.assertEqual(seen[-1].state, "completed")
        self.assertEqual(seen[-1].queue, queue)

    def test_unknown_last_event_id_yields_resync(self):
        with client(token=READ).events(queue="nothing-here", last_event_id="not-this-server-1") as stream:
            first = next(iter(stream))
        self.assertEqual(first.type, "spool:resync")
        self.assertEqual(first.data["reason"], "unknown-stream")

    def test_close_from_another_thread_ends_a_blocked_read(self):
        stream = client(token=READ).events(queue="nothing-here", read_timeout=60)
        ended = threading.Event()

        def consume():
            for _ in stream:
                pass
            ended.set()

        threading.Thread(target=consume, daemon=True).start()
        deadline = time.monotonic() + 10
        while stream._response is None and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # the reader is now blocked in its read (no events on this queue)
        stream.close()
        # Well before the 60 s read timeout (and the server's 15 s ping).
        self.assertTrue(ended.wait(5), "the blocked read did not end on close()")

    def test_stream_errors_are_typed(self):
        with self.assertRaises(Unauthorized):
            next(iter(client(token="wrong-token-123456").events()))


class SchedulesAndWorkflows(unittest.TestCase):
    def test_schedules_and_run_now(self):
        c = client()
        nightly = next(s for s in c.schedules(next=3) if s["name"] == "py-nightly")
        self.assertEqual(len(nightly["next"]), 3)
        self.assertGreater(nightly["nextFireAt"], time.time() * 1000)
        run = c.run_schedule("py-nightly")
        self.assertEqual(run["name"], "py-nightly")
        self.assertEqual(c.result(run["jobId"], timeout=30), 3)
        with self.assertRaises(NotFound):
            c.run_schedule("no-such-schedule")

    def test_workflow_progress_graph_cancel(self):
        c = client()
        wf = os.environ["SPOOL_TEST_WORKFLOW"]
        graph = c.workflow_graph(wf)
        self.assertEqual(len(graph["nodes"]), 3)
        self.assertEqual(c.workflow(wf)["progress"]["total"], 3)
        answer = c.cancel_workflow(wf, reason="py")
        self.assertGreaterEqual(answer["cancelled"], 1)
        self.assertEqual(c.workflow(wf)["state"], "cancelled")


if __name__ == "__main__":
    unittest.main()
