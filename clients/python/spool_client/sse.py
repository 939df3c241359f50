"""Server-Sent Events from `GET /api/events`, with automatic reconnection.

The server gives every event an `id:`; after a dropped connection the stream reconnects with
`Last-Event-ID` and the server replays what was missed from its buffer, so the caller sees each
event once, in order. When the server cannot replay (its buffer moved on, or it restarted),
the stream yields an event of type `spool:resync`: re-read state over the REST API.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, Optional

__all__ = ["Event", "EventStream"]


@dataclass(frozen=True)
class Event:
    """One event: `type` (`job:completed`, `schedule:fired`, `spool:resync` …), `job_id`, `queue`,
    `at` (epoch ms), `state` (the job's state after the change, when known) and `data`."""

    id: Optional[str]
    type: str
    job_id: str = ""
    queue: str = ""
    at: int = 0
    state: Optional[str] = None
    data: Dict[str, Any] = field(default_factory=dict)


def _socket_of(response: Any) -> Optional[socket.socket]:
    """The socket under an http.client response (urllib's), if it is still open."""
    raw = getattr(getattr(response, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _event(event_id: Optional[str], name: Optional[str], payload: str) -> Event:
    body = json.loads(payload) if payload else {}
    if name and name != "message":
        return Event(id=event_id, type=name, data=body if isinstance(body, dict) else {"value": body})
    return Event(
        id=event_id,
        type=body.get("type", ""),
        job_id=body.get("jobId", ""),
        queue=body.get("queue", ""),
        at=body.get("at", 0),
        state=body.get("state"),
        data=body.get("data") or {},
    )


class EventStream:
    """An iterator over events that reconnects on its own.

    `open_request(last_event_id)` builds the HTTP request; `reconnects` counts the reconnections
    so far; `last_event_id` is the id of the last event yielded. `close()` ends the stream (from
    another thread too: the blocked read returns within `read_timeout`).
    """

    def __init__(
        self,
        open_request: Callable[[Optional[str]], urllib.request.Request],
        *,
        last_event_id: Optional[str] = None,
        read_timeout: float = 45.0,
        max_reconnects: Optional[int] = None,
        reconnect_delay: float = 0.5,
        on_error: Callable[[urllib.error.HTTPError], Exception],
    ):
        self._open_request = open_request
        self.last_event_id = last_event_id
        self.read_timeout = read_timeout
        self.max_reconnects = max_reconnects
        self.reconnect_delay = reconnect_delay
        self.reconnects = 0
        self._on_error = on_error
        self._closed = False
        self._response: Any = None

    def close(self) -> None:
        """Ends the stream. From another thread, a read blocked on the socket returns at once:
        the socket is shut down (closing the response alone would not wake it)."""
        self._closed = True
        response = self._response
        if response is not None:
            # Only a shutdown here: the reader's own `finally` closes the response (closing it
            # from this thread could pull the buffer from under a read in progress).
            sock = _socket_of(response)
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def __enter__(self) -> "EventStream":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[Event]:
        failures = 0
        while not self._closed:
            try:
                self._response = urllib.request.urlopen(
                    self._open_request(self.last_event_id), timeout=self.read_timeout
                )
            except urllib.error.HTTPError as err:
                if err.code >= 500 and self._may_reconnect():
                    failures += 1
                    self._pause(failures)
                    continue
                raise self._on_error(err) from None
            except (OSError, socket.timeout):
                if self._closed or not self._may_reconnect():
                    raise
                failures += 1
                self._pause(failures)
                continue
            failures = 0
            response = self._response
            try:
                for event in self._read(response):
                    yield event
                    if self._closed:
                        return
            except (OSError, socket.timeout, ValueError, AttributeError, http.client.HTTPException):
                # Dropped, reset, or silent beyond read_timeout (the server pings every 15 s);
                # or close() from another thread shut the socket down mid-read.
                pass
            finally:
                try:
                    response.close()
                except (OSError, AttributeError):
                    pass
                self._response = None
            if self._closed or not self._may_reconnect():
                return
            self._pause(1)

    def _may_reconnect(self) -> bool:
        if self._closed:
            return False
        if self.max_reconnects is not None and self.reconnects >= self.max_reconnects:
            return False
        self.reconnects += 1
        return True

    def _pause(self, failures: int) -> None:
        time.sleep(min(self.reconnect_delay * (2 ** (failures - 1)), 10.0))

    def _read(self, response: Any) -> Iterator[Event]:
        event_id: Optional[str] = None
        name: Optional[str] = None
        data: list = []
        while True:
            raw = response.readline()
            if not raw:
                return  # the server closed the stream
            line = raw.decode("utf-8").rstrip("\r\n")
            if line == "":
                if data:
                    event = _event(event_id, name, "\n".join(data))
                    if event_id is not None:
                        self.last_event_id = event_id
                    yield event
                event_id, name, data = None, None, []
                continue
            if line.startswith(":"):
                continue
            key, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if key == "id":
                event_id = value
            elif key == "event":
                name = value
            elif key == "data":
                data.append(value)
            elif key == "retry" and value.isdigit():
                self.reconnect_delay = max(0.05, min(int(value) / 1000, self.reconnect_delay))
