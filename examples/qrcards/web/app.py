"""QRCards: the Flask web app spool was built for.

Request handlers never block on the work: they enqueue spool jobs through the Python client
(`spool_client.flask.Spool`, URL and token from the app config) and answer at once; pages show
live progress over Server-Sent Events that this app relays from spool's event stream.

Pages: order a PDF of QR cards (/), the analytics report over 101 SQLite databases
(/analytics), an enterprise bulk order of 10,000 QR codes (/bulk), and the nightly
maintenance schedules with "run now" (/maintenance).

Started by `npm run qrcards` (examples/qrcards/main.ts), which sets SPOOL_API_URL,
SPOOL_API_TOKEN, QRCARDS_DIR and QRCARDS_PORT; prints `QRCARDS_LISTENING <port>` when ready.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterator, Optional

from flask import Flask, Response, abort, redirect, render_template, request, send_file, url_for

from spool_client import NotFound, SpoolError
from spool_client.flask import Spool

DATA = os.path.abspath(os.environ.get("QRCARDS_DIR", ".spool/qrcards"))
TEMPLATES = {"classic": "Classic (navy)", "forest": "Forest (green)", "sunset": "Sunset (orange)"}
FINAL = {"completed", "failed", "cancelled"}

app = Flask(__name__)
app.config.update(
    SPOOL_API_URL=os.environ.get("SPOOL_API_URL", "http://127.0.0.1:7070"),
    SPOOL_API_TOKEN=os.environ.get("SPOOL_API_TOKEN"),
    SPOOL_REQUEST_TIMEOUT=30,
)
spool = Spool(app)


# ── helpers ────────────────────────────────────────────────────────────────────────────────


@app.template_filter("when")
def when(ms: Optional[int]) -> str:
    if not ms:
        return "—"
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([path, folder]) == folder


def sse(snapshots: Iterator[Optional[Dict[str, Any]]]) -> Response:
    def body() -> Iterator[str]:
        yield "retry: 1000\n\n"
        for snap in snapshots:
            # None: nothing new; a comment line lets the server notice a browser that left.
            yield ": ping\n\n" if snap is None else f"data: {json.dumps(snap)}\n\n"

    return Response(body(), mimetype="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def job_snapshot(job: Dict[str, Any]) -> Dict[str, Any]:
    progress = job.get("progress") or {}
    errors = job.get("errors") or []
    return {
        "id": job["id"],
        "state": job["state"],
        "percent": 100 if job["state"] == "completed" else progress.get("percent", 0),
        "message": progress.get("message") or job["state"],
        "done": job["state"] in FINAL,
        "result": job.get("result") if job["state"] == "completed" else None,
        "error": errors[-1].get("message") if errors and job["state"] == "failed" else None,
    }


def watch(stream_filter: Dict[str, Any], snapshot: Callable[[], Dict[str, Any]], every: float = 0.25) -> Iterator[Optional[Dict[str, Any]]]:
    """Snapshots while spool's event stream says something changed (at most one per `every`
    seconds, and one at least every 2 s), until a snapshot is `done`; None when unchanged for
    10 s (a keep-alive: writing it is how the server learns that the browser went away)."""
    changed = threading.Event()
    stream = spool.client.events(**stream_filter)

    def listen() -> None:
        try:
            for _ in stream:
                changed.set()
        except Exception:  # noqa: BLE001 - the stream ended; the 2 s tick still runs
            pass

    threading.Thread(target=listen, daemon=True).start()
    try:
        last = None
        quiet_since = time.monotonic()
        while True:
            snap = snapshot()
            if snap != last:
                yield snap
                last = snap
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 10:
                yield None
                quiet_since = time.monotonic()
            if snap.get("done"):
                return
            changed.wait(2.0)
            changed.clear()
            time.sleep(every)
    finally:
        stream.close()


def starter_workflow(starter_id: str, timeout: float = 60) -> Dict[str, Any]:
    """The workflow a starter job (`analytics.report`, `bulk.start`) created."""
    return spool.result(starter_id, timeout=timeout)


@app.after_request
def access_log(response: Response) -> Response:
    os.makedirs(os.path.join(DATA, "logs"), exist_ok=True)
    line = f"{datetime.now(timezone.utc).isoformat()} {request.method} {request.path} {response.status_code}\n"
    with open(os.path.join(DATA, "logs", "web.log"), "a", encoding="utf-8") as f:
        f.write(line)
    return response


@app.errorhandler(SpoolError)
def spool_error(err: SpoolError):
    return render_template("error.html", error=err), err.status if err.status < 500 else 502


@app.get("/healthz")
def healthz():
    return {"ok": True}


# ── order a PDF ────────────────────────────────────────────────────────────────────────────


@app.get("/")
def order_form():
    recent = spool.list(task="cards.render", limit=8)["jobs"]
    return render_template("order.html", templates=TEMPLATES, recent=recent, idem=uuid.uuid4().hex)


@app.post("/orders")
def order_create():
    customer = (request.form.get("customer") or "").strip()[:60] or "Anonymous"
    template = request.form.get("template", "classic")
    if template not in TEMPLATES:
        abort(400, "unknown template")
    try:
        count = int(request.form.get("count", "8"))
    except ValueError:
        abort(400, "count must be a number")
    if not 1 <= count <= 200:
        abort(400, "count must be 1..200")
    idem = request.form.get("idem") or uuid.uuid4().hex
    order_id = f"order-{idem[:12]}"
    job = spool.enqueue(
        "cards.render",
        {"orderId": order_id, "customer": customer, "template": template, "count": count},
        key=order_id,  # a resubmitted form finds the same job
        meta={"source": "qrcards-web"},
    )
    return redirect(url_for("order_page", job_id=job["id"]), 303)


@app.get("/orders/<job_id>")
def order_page(job_id: str):
    job = spool.get(job_id)
    return render_template("order_status.html", job=job, snap=job_snapshot(job))


@app.get("/orders/<job_id>/status")
def order_status(job_id: str):
    return job_snapshot(spool.get(job_id))


@app.get("/jobs/<job_id>/events")
def job_events(job_id: str):
    spool.get(job_id)  # 404 before the stream starts
    return sse(watch({"job": job_id}, lambda: job_snapshot(spool.get(job_id)), every=0.1))


@app.get("/orders/<job_id>/pdf")
def order_pdf(job_id: str):
    job = spool.get(job_id)
    if job["task"] != "cards.render" or job["state"] != "completed":
        abort(409, "the PDF is not ready")
    path = job["result"]["file"]
    if not inside(path, os.path.join(DATA, "orders")) or not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=os.path.basename(path))


# ── analytics over 101 databases ───────────────────────────────────────────────────────────


@app.get("/analytics")
def analytics_form():
    recent = spool.list(task="analytics.report", limit=5)["jobs"]
    return render_template("analytics.html", recent=recent, idem=uuid.uuid4().hex)


@app.post("/analytics")
def analytics_create():
    report_id = (request.form.get("idem") or uuid.uuid4().hex)[:16]
    job = spool.enqueue("analytics.report", {"reportId": report_id}, key=f"report-{report_id}", priority=10)
    return redirect(url_for("analytics_page", starter_id=job["id"]), 303)


@app.get("/analytics/<starter_id>")
def analytics_page(starter_id: str):
    spool.get(starter_id)
    return render_template("analytics_status.html", starter_id=starter_id)


def analytics_snapshot(workflow_id: str) -> Dict[str, Any]:
    graph = spool.workflow_graph(workflow_id)
    sites = [n for n in graph["nodes"] if n["task"] == "analytics.site"]
    merge = next(n for n in graph["nodes"] if n["task"] == "analytics.merge")
    snap: Dict[str, Any] = {
        "workflow": workflow_id,
        "state": graph["state"],
        "sites": [n["state"] for n in sites],
        "completed": sum(1 for n in sites if n["state"] == "completed"),
        "total": len(sites),
        "merge": merge["state"],
        "done": graph["state"] != "running",
    }
    if merge["state"] == "completed":
        snap["report"] = spool.get(merge["jobId"])["result"]
    return snap


@app.get("/analytics/<starter_id>/events")
def analytics_events(starter_id: str):
    def snapshots() -> Iterator[Dict[str, Any]]:
        wf = starter_workflow(starter_id)["workflowId"]
        yield from watch({"workflow": wf, "type": ["job:completed", "job:failed", "job:cancelled"]}, lambda: analytics_snapshot(wf))

    return sse(snapshots())


# ── enterprise bulk order ──────────────────────────────────────────────────────────────────


@app.get("/bulk")
def bulk_form():
    recent = spool.list(task="bulk.start", limit=5)["jobs"]
    return render_template("bulk.html", recent=recent, idem=uuid.uuid4().hex)


@app.post("/bulk")
def bulk_create():
    customer = (request.form.get("customer") or "").strip()[:60] or "ACME Corp"
    try:
        count = int(request.form.get("count", "10000"))
    except ValueError:
        abort(400, "count must be a number")
    if not 1 <= count <= 50_000:
        abort(400, "count must be 1..50000")
    batch_id = f"batch-{(request.form.get('idem') or uuid.uuid4().hex)[:12]}"
    job = spool.enqueue("bulk.start", {"batchId": batch_id, "customer": customer, "count": count}, key=batch_id, priority=10)
    return redirect(url_for("bulk_page", starter_id=job["id"]), 303)


@app.get("/bulk/<starter_id>")
def bulk_page(starter_id: str):
    starter = spool.get(starter_id)
    return render_template("bulk_status.html", starter_id=starter_id, batch=starter["input"])


CODES_PER_JOB = 10  # as in spool-app.ts


def bulk_snapshot(workflow_id: str, count: int) -> Dict[str, Any]:
    wf = spool.workflow(workflow_id)
    counts = wf["counts"]
    done_jobs = counts.get("completed", 0)
    snap = {
        "count": count,
        # Every code job but the last holds CODES_PER_JOB codes; the bundle job holds none.
        "codes": min(count, done_jobs * CODES_PER_JOB),
        "workflow": workflow_id,
        "state": wf["state"],
        "total": wf["total"],
        "completed": counts.get("completed", 0),
        "cancelled": counts.get("cancelled", 0),
        "failed": counts.get("failed", 0),
        "running": counts.get("running", 0),
        "percent": wf["progress"]["percent"],
        "done": wf["state"] != "running",
    }
    return snap


@app.get("/bulk/<starter_id>/status")
def bulk_status(starter_id: str):
    started = starter_workflow(starter_id)
    return bulk_snapshot(started["workflowId"], started["count"])


@app.get("/bulk/<starter_id>/events")
def bulk_events(starter_id: str):
    def snapshots() -> Iterator[Dict[str, Any]]:
        started = starter_workflow(starter_id)
        wf, count = started["workflowId"], started["count"]
        # Not one message per event: the jobs' terminal events wake a snapshot (at most 2 a second).
        yield from watch({"workflow": wf, "type": ["job:completed", "job:cancelled", "job:failed"]}, lambda: bulk_snapshot(wf, count), every=0.5)

    return sse(snapshots())


@app.post("/bulk/<starter_id>/cancel")
def bulk_cancel(starter_id: str):
    wf = starter_workflow(starter_id)["workflowId"]
    try:
        answer = spool.cancel_workflow(wf, reason="cancelled from the QRCards bulk page")
        cancelled = answer["cancelled"]
    except SpoolError as err:
        if err.code != "INVALID_STATE":
            raise
        cancelled = 0  # already finished
    if request.accept_mimetypes.best == "application/json":
        return {"cancelled": cancelled}
    return redirect(url_for("bulk_page", starter_id=starter_id), 303)


@app.get("/bulk/<starter_id>/zip")
def bulk_zip(starter_id: str):
    wf = starter_workflow(starter_id)["workflowId"]
    graph_state = spool.workflow(wf)["state"]
    if graph_state != "completed":
        abort(409, "the batch is not complete")
    batch = spool.get(starter_id)["input"]["batchId"]
    path = os.path.join(DATA, "bulk", f"{batch}.zip")
    if not os.path.exists(path):
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=f"{batch}.zip")


# ── nightly maintenance ────────────────────────────────────────────────────────────────────


@app.get("/maintenance")
def maintenance():
    schedules = spool.schedules(next=3)
    recent = spool.list(queue="maintenance", limit=10)["jobs"]
    return render_template("maintenance.html", schedules=schedules, recent=recent, ran=request.args.get("ran"))


@app.post("/maintenance/<name>/run")
def maintenance_run(name: str):
    try:
        run = spool.run_schedule(name)
    except NotFound:
        abort(404)
    return redirect(url_for("maintenance", ran=run["jobId"]), 303)


def main() -> None:
    import logging

    from werkzeug.serving import make_server

    # One line per request on the terminal would cost more than the requests (web.log keeps them).
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", int(os.environ.get("QRCARDS_PORT", "5000")), app, threaded=True)
    print(f"QRCARDS_LISTENING {server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
