"""Client for spool's HTTP API, standard library only.

    from spool_client import SpoolClient

    client = SpoolClient("http://127.0.0.1:7070", token="...")
    job = client.enqueue("pdf.render", {"templateId": "t1"}, delay="10s", key="t1", priority=5)
    print(client.result(job["id"], timeout=120))

Errors from the server raise a subclass of `SpoolError` (`NotFound`, `UnknownTask`,
`Forbidden` …) carrying the same stable `code` the TypeScript library uses. A job that ends
failed or cancelled raises `JobFailed` / `JobCancelled` from `result()`. Flask: `from
spool_client.flask import Spool`.
"""

from .client import EnqueueAnswer, FollowUp, JobSpec, ResultAnswer, SpoolClient
from .errors import (
    BackendUnavailable,
    ConnectionFailed,
    Forbidden,
    InvalidArgument,
    InvalidState,
    JobCancelled,
    JobFailed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServerError,
    SpoolError,
    Unauthorized,
    UnknownTask,
    Unserializable,
    UnsupportedMediaType,
    ValidationFailed,
    WaitTimeout,
    error_for,
)
from .sse import Event, EventStream

__version__ = "0.1.0"

__all__ = [
    "SpoolClient",
    "EnqueueAnswer",
    "ResultAnswer",
    "FollowUp",
    "JobSpec",
    "Event",
    "EventStream",
    "SpoolError",
    "InvalidArgument",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "InvalidState",
    "UnknownTask",
    "ValidationFailed",
    "Unserializable",
    "PayloadTooLarge",
    "UnsupportedMediaType",
    "RateLimited",
    "BackendUnavailable",
    "ServerError",
    "JobFailed",
    "JobCancelled",
    "ConnectionFailed",
    "WaitTimeout",
    "error_for",
]
