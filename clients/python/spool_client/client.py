"""`SpoolClient`: spool's HTTP API from Python, standard library only (urllib, json)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, TypedDict, Union

from .errors import ConnectionFailed, JobCancelled, JobFailed, RateLimited, ServerError, SpoolError, WaitTimeout, error_for
from .sse import EventStream

__all__ = ["SpoolClient", "EnqueueAnswer", "ResultAnswer", "JobSpec", "FollowUp"]

Json = Any
Duration = Union[str, int, float]
"""A duration as the API takes it: `"10s"`, `"5m"`, or milliseconds."""


class EnqueueAnswer(TypedDict):
    id: str
    created: bool


class ResultAnswer(TypedDict, total=False):
    id: str
    state: str
    done: bool
    result: Json
    error: Dict[str, Any]


JobSpec = Union[Tuple[str, Json], Tuple[str, Json, Mapping[str, Any]]]
"""One job of `enqueue_many`: `(task, input)` or `(task, input, options)`."""

# Python keyword arguments -> API option names.
_OPTION_NAMES = {
    "delay": "delay",
    "run_at": "runAt",
    "priority": "priority",
    "key": "key",
    "queue": "queue",
    "attempts": "attempts",
    "timeout": "timeout",
    "lease": "lease",
    "meta": "meta",
    "limit_key": "limitKey",
    "dedupe": "dedupe",
    "depends_on": "dependsOn",
    "then": "then",
    "catch": "catch",
}

FollowUp = Union[str, Mapping[str, Any]]
"""A durable follow-up (`then` / `catch`): a task name, whose input is the parent's outcome (its
result for `then`, its last error record for `catch`), or `{"task", "input"?, "options"?}` as the
API takes it (no `"input"`: the parent's outcome; options: queue, priority, attempts, timeout,
lease, meta, limitKey)."""

_FOLLOW_UP_KEYS = {"task", "input", "options"}

_BULK_LIMIT = 1000


class SpoolClient:
    """A client for one spool server.

    `token`: a bearer token (`admin` to enqueue and operate, `read` to look). `request_timeout`:
    seconds per HTTP request (long polls add their wait). `retries`: how many times a request is
    sent again after a connection error (refused, reset, timed out) or a 503, with exponential
    backoff from `backoff` seconds. A POST is only re-sent when that cannot run it twice: the
    connection was refused (nothing was sent), or it is an enqueue with an idempotency `key`.
    """

    def __init__(
        self,
        base_url: str,
        token: Optional[str] = None,
        request_timeout: float = 75.0,
        retries: int = 3,
        backoff: float = 0.2,
    ):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.request_timeout = request_timeout
        self.retries = retries
        self.backoff = backoff

    # -- jobs ---------------------------------------------------------------------------

    def enqueue(
        self,
        task: str,
        input: Json = None,
        *,
        key: Optional[str] = None,
        delay: Optional[Duration] = None,
        run_at: Optional[Union[int, str]] = None,
        priority: Optional[int] = None,
        queue: Optional[str] = None,
        attempts: Optional[int] = None,
        timeout: Optional[Duration] = None,
        meta: Optional[Mapping[str, Any]] = None,
        then: Optional[FollowUp] = None,
        catch: Optional[FollowUp] = None,
        lease: Optional[Duration] = None,
        limit_key: Optional[str] = None,
        dedupe: Optional[Mapping[str, Any]] = None,
        depends_on: Optional[Iterable[str]] = None,
    ) -> EnqueueAnswer:
        """Enqueues one job; returns `{"id", "created"}` (`created` is False when `key` or `dedupe` matched an existing job).

        `then` / `catch`: a follow-up job the server writes with this job's outcome, exactly once
        (`then` when it completes, `catch` when it fails for good); see `FollowUp`.
        `limit_key`: the job's flow-control key (its task's per-key concurrency / rate limit).
        `dedupe`: `{"key", "window"?, "mode"?: "throttle"|"debounce"|"replace", "maxWait"?}`.
        `depends_on`: ids of jobs that must complete before this one runs.
        """
        options = {"key": key, "delay": delay, "run_at": run_at, "priority": priority, "queue": queue}
        options.update({"attempts": attempts, "timeout": timeout, "meta": meta, "then": then, "catch": catch})
        deps = None if depends_on is None else list(depends_on)
        options.update({"lease": lease, "limit_key": limit_key, "dedupe": dedupe, "depends_on": deps})
        return self._call("POST", "/api/jobs", self._job(task, input, options), idempotent=key is not None)

    def enqueue_many(self, jobs: Iterable[JobSpec], chunk: int = _BULK_LIMIT) -> List[EnqueueAnswer]:
        """Enqueues many jobs: `(task, input)` or `(task, input, options)` each.

        Sent in chunks of up to 1,000 (the server's bulk limit); each chunk is all or nothing.
        Returns one `{"id", "created"}` per job, in order.
        """
        specs = [self._job(j[0], j[1], j[2] if len(j) > 2 else {}) for j in jobs]  # type: ignore[misc]
        out: List[EnqueueAnswer] = []
        for start in range(0, len(specs), max(1, min(chunk, _BULK_LIMIT))):
            part = specs[start : start + chunk]
            keyed = all("key" in s.get("options", {}) for s in part)
            out.extend(self._call("POST", "/api/jobs/bulk", {"jobs": part}, idempotent=keyed)["jobs"])
        return out

    def get(self, job_id: str) -> Dict[str, Any]:
        """The job: state, input, result, errors, progress, meta, timestamps."""
        return self._call("GET", f"/api/jobs/{_quote(job_id)}")

    def logs(self, job_id: str) -> List[Dict[str, Any]]:
        return self._call("GET", f"/api/jobs/{_quote(job_id)}/logs")["logs"]

    def list(self, **filters: Any) -> Dict[str, Any]:
        """Filters: queue, state (str or list), task, key, created_after, created_before, search, cursor, limit, order."""
        query = []
        for name, value in filters.items():
            api_name = {"created_after": "createdAfter", "created_before": "createdBefore"}.get(name, name)
            for v in value if isinstance(value, (list, tuple)) else [value]:
                query.append((api_name, str(v)))
        return self._call("GET", "/api/jobs" + ("?" + urllib.parse.urlencode(query) if query else ""))

    def wait(self, job_id: str, timeout: Optional[float] = None, poll_wait: int = 30) -> ResultAnswer:
        """Long-polls until the job is final; returns `{"id", "state", "done", "result"|"error"}`.

        Raises `WaitTimeout` (a `TimeoutError`) if it is not final within `timeout` seconds.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = poll_wait
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitTimeout(job_id, timeout or 0)
                wait = min(wait, max(1, int(left)))
            answer = self._call("GET", f"/api/jobs/{_quote(job_id)}/result?wait={wait}s", extra_timeout=wait)
            if answer["done"]:
                return answer

    def result(self, job_id: str, timeout: Optional[float] = None) -> Json:
        """The job's result once it completes; raises `JobFailed` / `JobCancelled` otherwise."""
        answer = self.wait(job_id, timeout=timeout)
        if answer["state"] == "cancelled":
            raise JobCancelled(job_id, answer["state"], answer.get("error"))
        if answer["state"] != "completed":
            raise JobFailed(job_id, answer["state"], answer.get("error"))
        return answer.get("result")

    def cancel(self, job_id: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Cancels the job (a running handler's signal aborts); returns the job."""
        body = {} if reason is None else {"reason": reason}
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/cancel", body)

    def retry(self, job_id: str) -> Dict[str, Any]:
        """Runs a failed or cancelled job again; returns the job."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/retry")

    def delete(self, job_id: str) -> Json:
        return self._call("DELETE", f"/api/jobs/{_quote(job_id)}")

    def promote(self, job_id: str) -> Dict[str, Any]:
        """Runs a waiting-on-time (scheduled) job now; returns `{"id", "state"}`."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/promote")

    def set_priority(self, job_id: str, priority: int) -> Dict[str, Any]:
        """Changes the priority of a job that has not started; returns `{"id", "state"}`."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/priority", {"priority": priority})

    def update_input(self, job_id: str, input: Json) -> Dict[str, Any]:
        """Replaces the input of a job that has not started; returns `{"id", "state"}`."""
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/input", {"input": input})

    def retry_matching(self, *, dry_run: bool = False, **filter: Any) -> Dict[str, Any]:
        """Retries every job matching a filter (`state`, `task`, `queue`, `search`,
        `created_after`, `created_before`); returns `{"matched", "affected", "skipped", "dryRun"}`."""
        return self._call("POST", "/api/jobs/retry-matching", _filter_body(filter, dry_run))

    def delete_matching(self, *, dry_run: bool = False, **filter: Any) -> Dict[str, Any]:
        """Deletes every job matching a filter (running jobs are skipped; at least one filter
        field is needed); returns `{"matched", "affected", "skipped", "dryRun"}`."""
        return self._call("POST", "/api/jobs/delete-matching", _filter_body(filter, dry_run))

    # -- events -------------------------------------------------------------------------

    def events(
        self,
        *,
        queue: Union[str, Sequence[str], None] = None,
        job: Union[str, Sequence[str], None] = None,
        type: Union[str, Sequence[str], None] = None,
        schedule: Union[str, Sequence[str], None] = None,
        workflow: Union[str, Sequence[str], None] = None,
        last_event_id: Optional[str] = None,
        read_timeout: float = 45.0,
        max_reconnects: Optional[int] = None,
    ) -> EventStream:
        """Live events (SSE) as an iterator of `Event`s; filters combine with AND.

        Reconnects on its own after a dropped or silent connection (the server pings every
        15 s; `read_timeout` must be longer), resuming with `Last-Event-ID`, so no event is
        lost or repeated while the server still buffers it. Use it as a context manager or
        call `close()`; `max_reconnects` bounds the reconnections (default: no bound).
        """
        query: List[Tuple[str, str]] = []
        for name, value in (("queue", queue), ("job", job), ("type", type), ("schedule", schedule), ("workflow", workflow)):
            if value is not None:
                query.append((name, value if isinstance(value, str) else ",".join(value)))
        url = self.base_url + "/api/events" + ("?" + urllib.parse.urlencode(query) if query else "")

        def open_request(last_id: Optional[str]) -> urllib.request.Request:
            headers = self._headers("GET")
            headers["Accept"] = "text/event-stream"
            if last_id:
                headers["Last-Event-ID"] = last_id
            return urllib.request.Request(url, headers=headers, method="GET")

        return EventStream(
            open_request,
            last_event_id=last_event_id,
            read_timeout=read_timeout,
            max_reconnects=max_reconnects,
            on_error=_http_error,
        )

    # -- queues, workers, schedules, workflows ------------------------------------------

    def queues(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/api/queues")["queues"]

    def pause(self, queue: str) -> Dict[str, Any]:
        return self._call("POST", f"/api/queues/{_quote(queue)}/pause")

    def resume(self, queue: str) -> Dict[str, Any]:
        return self._call("POST", f"/api/queues/{_quote(queue)}/resume")

    def workers(self) -> List[Dict[str, Any]]:
        return self._call("GET", "/api/workers")["workers"]

    def schedules(self, next: int = 5) -> List[Dict[str, Any]]:
        """Every schedule with `nextFireAt` and the `next` upcoming fire times (epoch ms)."""
        return self._call("GET", f"/api/schedules?next={int(next)}")["schedules"]

    def run_schedule(self, name: str) -> Dict[str, Any]:
        """Runs a schedule now: returns `{"name", "jobId"}`."""
        return self._call("POST", f"/api/schedules/{_quote(name)}/run")

    def workflow(self, workflow_id: str) -> Dict[str, Any]:
        """State, `counts` per job state and `progress` of a workflow."""
        return self._call("GET", f"/api/workflows/{_quote(workflow_id)}")

    def workflow_graph(self, workflow_id: str) -> Dict[str, Any]:
        """The workflow's nodes (job id, task, state, own progress) and edges."""
        return self._call("GET", f"/api/workflows/{_quote(workflow_id)}/graph")

    def cancel_workflow(self, workflow_id: str, reason: Optional[str] = None) -> Dict[str, Any]:
        """Cancels every job of the workflow that is not final: `{"id", "cancelled", "workflow"}`."""
        body = {} if reason is None else {"reason": reason}
        return self._call("POST", f"/api/workflows/{_quote(workflow_id)}/cancel", body)

    def health(self) -> Dict[str, Any]:
        return self._call("GET", "/api/health")

    # -- plumbing -----------------------------------------------------------------------

    @staticmethod
    def _job(task: str, input: Json, options: Mapping[str, Any]) -> Dict[str, Any]:
        job: Dict[str, Any] = {"task": task, "input": input}
        unknown = set(options) - set(_OPTION_NAMES)
        if unknown:
            raise TypeError(f"unknown enqueue options: {', '.join(sorted(unknown))}")
        opts = {_OPTION_NAMES[k]: v for k, v in options.items() if v is not None}
        for which in ("then", "catch"):
            if which in opts:
                opts[which] = _follow_up(opts[which], which)
        if opts:
            job["options"] = opts
        return job

    def _headers(self, method: str) -> Dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif method != "GET":
            # Only a server without auth (`spool server --insecure`, loopback only) asks for this
            # header on state-changing calls; a bearer token needs nothing else.
            headers["X-Spool-Request"] = "1"
        return headers

    def _call(
        self, method: str, path: str, body: Json = None, idempotent: bool = False, extra_timeout: float = 0
    ) -> Json:
        headers = self._headers(method)
        data = None
        if body is not None or method == "POST":
            data = json.dumps(body if body is not None else {}).encode("utf-8")
            headers["Content-Type"] = "application/json"
        safe = method == "GET" or idempotent
        attempt = 0
        while True:
            request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
            try:
                with urllib.request.urlopen(request, timeout=self.request_timeout + extra_timeout) as response:
                    return json.loads(response.read() or b"null")
            except urllib.error.HTTPError as err:
                error = _http_error(err)
                if err.code == 503 and safe and attempt < self.retries:
                    attempt += 1
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise error from None
            except (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError) as err:
                reason = getattr(err, "reason", err)
                refused = isinstance(reason, ConnectionRefusedError)
                if (refused or safe) and attempt < self.retries:
                    attempt += 1
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise ConnectionFailed(f"{method} {self.base_url}{path}: {reason}") from err


def _http_error(err: urllib.error.HTTPError) -> SpoolError:
    raw = err.read()
    try:
        error = json.loads(raw)["error"]
        typed = error_for(err.code, error.get("code") or "HTTP_ERROR", error.get("message") or "", error.get("details"))
    except (ValueError, KeyError, TypeError):
        typed = ServerError(err.code, "HTTP_ERROR", raw.decode("utf-8", "replace") or str(err.reason))
    if isinstance(typed, RateLimited):
        after = err.headers.get("Retry-After") if err.headers else None
        typed.retry_after = float(after) if after and after.replace(".", "", 1).isdigit() else None
    return typed


_FILTER_FIELDS = {
    "state": "state",
    "task": "task",
    "queue": "queue",
    "search": "search",
    "created_after": "createdAfter",
    "created_before": "createdBefore",
}


def _follow_up(value: Any, which: str) -> Dict[str, Any]:
    if isinstance(value, str):
        return {"task": value}
    if isinstance(value, Mapping):
        unknown = set(value) - _FOLLOW_UP_KEYS
        if unknown or "task" not in value:
            raise TypeError(f"{which} takes a task name or {{'task', 'input'?, 'options'?}}, got keys {sorted(value)}")
        return dict(value)
    raise TypeError(f"{which} takes a task name or {{'task', 'input'?, 'options'?}}, got {type(value).__name__}")


def _filter_body(filter: Mapping[str, Any], dry_run: bool) -> Dict[str, Any]:
    unknown = sorted(set(filter) - set(_FILTER_FIELDS))
    if unknown:
        # Refused here: a misspelt field would otherwise widen the filter to every job.
        raise TypeError(f"unknown filter field(s): {', '.join(unknown)}")
    body = {_FILTER_FIELDS[k]: v for k, v in filter.items() if v is not None}
    body["dryRun"] = dry_run
    return body


def _quote(segment: str) -> str:
    return urllib.parse.quote(str(segment), safe="")
