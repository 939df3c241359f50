"""Flask integration in one import, as RQ users know it:

    from flask import Flask
    from spool_client.flask import Spool

    app = Flask(__name__)
    app.config["SPOOL_API_URL"] = "http://127.0.0.1:7070"
    app.config["SPOOL_API_TOKEN"] = "s3cret-admin"
    spool = Spool(app)            # or Spool() and spool.init_app(app) in an app factory

    @app.post("/orders")
    def order():
        job = spool.enqueue("pdf.render", {"orderId": "o-1"}, key="o-1")
        return {"job": job["id"]}, 202

Config keys: `SPOOL_API_URL` (default `http://127.0.0.1:7070`), `SPOOL_API_TOKEN` (default
none), `SPOOL_REQUEST_TIMEOUT` (seconds, default 75), `SPOOL_RETRIES` (default 3). Each app
gets its own `SpoolClient` (`app.extensions["spool"]`); `spool.client` (and every client method
on `spool`) uses the current app's.
"""

from __future__ import annotations

from typing import Any, Optional

from flask import Flask, current_app

from .client import SpoolClient

__all__ = ["Spool"]


class Spool:
    def __init__(self, app: Optional[Flask] = None):
        self._app = app
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        app.config.setdefault("SPOOL_API_URL", "http://127.0.0.1:7070")
        app.config.setdefault("SPOOL_API_TOKEN", None)
        app.config.setdefault("SPOOL_REQUEST_TIMEOUT", 75.0)
        app.config.setdefault("SPOOL_RETRIES", 3)
        app.extensions["spool"] = SpoolClient(
            app.config["SPOOL_API_URL"],
            token=app.config["SPOOL_API_TOKEN"],
            request_timeout=float(app.config["SPOOL_REQUEST_TIMEOUT"]),
            retries=int(app.config["SPOOL_RETRIES"]),
        )

    @property
    def client(self) -> SpoolClient:
        """The current app's client (outside an app context: the app given to the constructor)."""
        try:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
        except RuntimeError:
            if self._app is None:
                raise RuntimeError("spool_client.flask.Spool: no app context and no app given") from None
            app = self._app
        client = app.extensions.get("spool")
        if client is None:
            raise RuntimeError("spool_client.flask.Spool: call init_app(app) first")
        return client

    def __getattr__(self, name: str) -> Any:
        # enqueue, enqueue_many, get, wait, result, cancel, retry, events … of the current app's client.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.client, name)
