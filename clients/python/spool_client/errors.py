"""Typed exceptions mirroring spool's stable error codes (src/http/errors.ts).

Every error answer of the API is `{"error": {"code", "message", "details"}}`; the client raises
the subclass of `SpoolError` registered for its code (falling back to `SpoolError` itself for a
code this version does not know), so callers can write `except NotFound:` or test `err.code`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, Optional, Tuple, Type

__all__ = [
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


class SpoolError(Exception):
    """An error answer from the API: `status` (HTTP), `code` (stable), `message`, `details`."""

    codes: ClassVar[Tuple[str, ...]] = ()

    def __init__(self, status: int, code: str, message: str, details: Optional[Dict[str, Any]] = None):
        super().__init__(f"[{code}] {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: Dict[str, Any] = details or {}


class InvalidArgument(SpoolError):
    """400: the request does not match its schema (`details["issues"]`), or malformed JSON."""

    codes = ("INVALID_ARGUMENT", "MALFORMED_JSON")


class Unauthorized(SpoolError):
    """401: missing or unknown token."""

    codes = ("UNAUTHORIZED",)


class Forbidden(SpoolError):
    """403: a read token on a mutating call, or a CSRF refusal."""

    codes = ("FORBIDDEN", "CSRF_HEADER_REQUIRED", "CSRF_ORIGIN_REFUSED")


class NotFound(SpoolError):
    """404: no such job, schedule or workflow (`details["kind"]`), or no such route."""

    codes = ("NOT_FOUND", "ROUTE_NOT_FOUND")


class InvalidState(SpoolError):
    """409: e.g. retry a completed job, delete a running one."""

    codes = ("INVALID_STATE", "JOB_FAILED", "JOB_CANCELLED", "WORKFLOW_FAILED", "WORKFLOW_CANCELLED", "CANCELLED")


class UnknownTask(SpoolError):
    """422: no task of that name is defined in the server's app."""

    codes = ("UNKNOWN_TASK",)


class ValidationFailed(SpoolError):
    """422: the task's schema rejected the input."""

    codes = ("VALIDATION_FAILED",)


class Unserializable(SpoolError):
    codes = ("UNSERIALIZABLE",)


class PayloadTooLarge(SpoolError):
    """413: the body (`REQUEST_TOO_LARGE`) or the serialized input (`PAYLOAD_TOO_LARGE`) is too big."""

    codes = ("PAYLOAD_TOO_LARGE", "REQUEST_TOO_LARGE")


class UnsupportedMediaType(SpoolError):
    codes = ("UNSUPPORTED_MEDIA_TYPE",)


class RateLimited(SpoolError):
    """429: too many failed authentications from this address; `retry_after` in seconds."""

    codes = ("RATE_LIMITED",)
    retry_after: Optional[float] = None


class BackendUnavailable(SpoolError):
    """503: the backend is unreachable, or the server is at its stream limit."""

    codes = ("BACKEND_ERROR", "TOO_MANY_STREAMS", "SHUTDOWN")


class ServerError(SpoolError):
    """500 (or an answer that is not spool's JSON error: `code` is `HTTP_ERROR`)."""

    codes = ("INTERNAL", "HTTP_ERROR", "TIMEOUT")


_BY_CODE: Dict[str, Type[SpoolError]] = {}
for _cls in (
    InvalidArgument,
    Unauthorized,
    Forbidden,
    NotFound,
    InvalidState,
    UnknownTask,
    ValidationFailed,
    Unserializable,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    BackendUnavailable,
    ServerError,
):
    for _code in _cls.codes:
        _BY_CODE[_code] = _cls


def error_for(status: int, code: str, message: str, details: Optional[Dict[str, Any]] = None) -> SpoolError:
    """The typed exception for an error answer."""
    return _BY_CODE.get(code, SpoolError)(status, code, message, details)


class JobFailed(Exception):
    """`result()` on a job that ended `failed` (or `cancelled`: the subclass `JobCancelled`)."""

    def __init__(self, job_id: str, state: str, error: Optional[Dict[str, Any]]):
        message = (error or {}).get("message", state)
        super().__init__(f"job {job_id} {state}: {message}")
        self.job_id = job_id
        self.state = state
        self.error = error


class JobCancelled(JobFailed):
    """`result()` on a job that was cancelled."""


class ConnectionFailed(OSError):
    """The server could not be reached (after the configured retries)."""


class WaitTimeout(TimeoutError):
    """`wait()` / `result()` ran out of time before the job was final."""

    def __init__(self, job_id: str, timeout: float):
        super().__init__(f"job {job_id} did not finish within {timeout}s")
        self.job_id = job_id
        self.timeout = timeout
