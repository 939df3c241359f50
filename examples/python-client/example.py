"""Enqueues a job over HTTP, waits for its result (long-poll), prints it as JSON.

    SPOOL_API=http://127.0.0.1:7070 SPOOL_TOKEN=... python3 example.py [TASK] [JSON_INPUT]

Defaults: task "add", input {"a": 2, "b": 40} (define such a task in your spool app).
"""

import json
import os
import sys

from spool_client import JobFailed, SpoolClient, SpoolError


def main():
    task = sys.argv[1] if len(sys.argv) > 1 else "add"
    payload = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"a": 2, "b": 40}
    client = SpoolClient(os.environ.get("SPOOL_API", "http://127.0.0.1:7070"), token=os.environ.get("SPOOL_TOKEN"))
    try:
        job = client.enqueue(task, payload, meta={"source": "python-example"})
        print(f"enqueued job {job['id']}", file=sys.stderr)
        result = client.result(job["id"], timeout=60)
    except SpoolError as err:
        print(f"error {err.status} [{err.code}]: {err.message}", file=sys.stderr)
        return 2
    except JobFailed as err:
        print(str(err), file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
