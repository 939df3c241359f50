"""A tiny client for the spool HTTP API, standard library only (urllib, json).

    from spool_client import SpoolClient

    client = SpoolClient("http://127.0.0.1:7070", token="...")
    job = client.enqueue("pdf.render", {"templateId": "t1"}, delay="10s", key="t1")
    print(client.result(job["id"], timeout=120))

Errors from the server raise `SpoolError` with the same stable `code` the TypeScript
library uses (UNKNOWN_TASK, VALIDATION_FAILED, NOT_FOUND ...). A job that ends failed or
cancelled raises `JobFailed` from `result()`.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["SpoolClient", "SpoolError", "JobFailed"]

# Python keyword arguments -> API option names.
_OPTION_NAMES = {
    "delay": "delay",
    "run_at": "runAt",
    "priority": "priority",
    "key": "key",
    "queue": "queue",
    "attempts": "attempts",
    "timeout": "timeout",
    "meta": "meta",
}


class SpoolError(Exception):
    """An error answer from the API: `status` (HTTP), `code` (stable), `message`, `details`."""

    def __init__(self, status, code, message, details=None):
        super().__init__(f"[{code}] {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}


class JobFailed(Exception):
    """`result()` on a job that ended `failed` or `cancelled`."""

    def __init__(self, job_id, state, error):
        message = (error or {}).get("message", state)
        super().__init__(f"job {job_id} {state}: {message}")
        self.job_id = job_id
        self.state = state
        self.error = error


class SpoolClient:
    def __init__(self, base_url, token=None, request_timeout=75):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.request_timeout = request_timeout

    # -- jobs ---------------------------------------------------------------------------

    def enqueue(self, task, input=None, **options):
        """Enqueues one job; returns {"id": ..., "created": bool}."""
        return self._call("POST", "/api/jobs", self._job(task, input, options))

    def enqueue_many(self, jobs):
        """jobs: a list of (task, input) or (task, input, options_dict); all or nothing."""
        body = {"jobs": [self._job(j[0], j[1], j[2] if len(j) > 2 else {}) for j in jobs]}
        return self._call("POST", "/api/jobs/bulk", body)["jobs"]

    def get(self, job_id):
        return self._call("GET", f"/api/jobs/{_quote(job_id)}")

    def logs(self, job_id):
        return self._call("GET", f"/api/jobs/{_quote(job_id)}/logs")["logs"]

    def list(self, **filters):
        """Filters: queue, state (str or list), task, key, created_after, created_before, search, cursor, limit, order."""
        query = []
        for name, value in filters.items():
            api_name = {"created_after": "createdAfter", "created_before": "createdBefore"}.get(name, name)
            for v in value if isinstance(value, (list, tuple)) else [value]:
                query.append((api_name, str(v)))
        return self._call("GET", "/api/jobs" + ("?" + urllib.parse.urlencode(query) if query else ""))

    def wait(self, job_id, timeout=None, poll_wait=30):
        """Long-polls until the job is final; returns {"id", "state", "done", "result"|"error"}."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = poll_wait
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"job {job_id} did not finish within {timeout}s")
                wait = min(wait, max(1, int(left)))
            answer = self._call("GET", f"/api/jobs/{_quote(job_id)}/result?wait={wait}s")
            if answer["done"]:
                return answer

    def result(self, job_id, timeout=None):
        """The job's result once it completes; raises JobFailed if it failed or was cancelled."""
        answer = self.wait(job_id, timeout=timeout)
        if answer["state"] != "completed":
            raise JobFailed(job_id, answer["state"], answer.get("error"))
        return answer.get("result")

    def cancel(self, job_id, reason=None):
        body = {} if reason is None else {"reason": reason}
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/cancel", body)

    def retry(self, job_id):
        return self._call("POST", f"/api/jobs/{_quote(job_id)}/retry")

    def delete(self, job_id):
        return self._call("DELETE", f"/api/jobs/{_quote(job_id)}")

    # -- queues, workers ----------------------------------------------------------------

    def queues(self):
        return self._call("GET", "/api/queues")["queues"]

    def pause(self, queue):
        return self._call("POST", f"/api/queues/{_quote(queue)}/pause")

    def resume(self, queue):
        return self._call("POST", f"/api/queues/{_quote(queue)}/resume")

    def workers(self):
        return self._call("GET", "/api/workers")["workers"]

    # -- plumbing -----------------------------------------------------------------------

    @staticmethod
    def _job(task, input, options):
        job = {"task": task, "input": input}
        unknown = set(options) - set(_OPTION_NAMES)
        if unknown:
            raise TypeError(f"unknown enqueue options: {', '.join(sorted(unknown))}")
        opts = {_OPTION_NAMES[k]: v for k, v in options.items() if v is not None}
        if opts:
            job["options"] = opts
        return job

    def _call(self, method, path, body=None):
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif method != "GET":
            # Only a server without auth (`spool server --insecure`, loopback only) asks for this
            # header on state-changing calls; a bearer token needs nothing else.
            headers["X-Spool-Request"] = "1"
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.request_timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            raw = err.read()
            try:
                error = json.loads(raw)["error"]
            except (ValueError, KeyError, TypeError):
                raise SpoolError(err.code, "HTTP_ERROR", raw.decode("utf-8", "replace") or err.reason) from None
            raise SpoolError(err.code, error.get("code"), error.get("message"), error.get("details")) from None


def _quote(segment):
    return urllib.parse.quote(str(segment), safe="")
