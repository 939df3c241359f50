"""`from spool_client.flask import Spool` reading URL and token from the Flask config."""

from __future__ import annotations

import os
import unittest

from flask import Flask

from spool_client import Forbidden, SpoolClient
from spool_client.flask import Spool

API = os.environ["SPOOL_API"]


def make_app(token: str) -> Flask:
    app = Flask(__name__)
    app.config.update(SPOOL_API_URL=API, SPOOL_API_TOKEN=token, SPOOL_RETRIES=1)
    return app


class FlaskIntegration(unittest.TestCase):
    def test_one_app(self):
        app = make_app(os.environ["SPOOL_TOKEN"])
        spool = Spool(app)

        @app.post("/add")
        def add():
            job = spool.enqueue("add", {"a": 40, "b": 2})
            return {"job": job["id"], "result": spool.result(job["id"], timeout=30)}, 202

        answer = app.test_client().post("/add")
        self.assertEqual(answer.status_code, 202)
        self.assertEqual(answer.get_json()["result"], 42)
        self.assertIsInstance(spool.client, SpoolClient)
        self.assertEqual(spool.client.base_url, API)
        self.assertIs(app.extensions["spool"], spool.client)

    def test_app_factory_uses_the_current_apps_config(self):
        spool = Spool()
        admin, reader = make_app(os.environ["SPOOL_TOKEN"]), make_app(os.environ["SPOOL_READ_TOKEN"])
        spool.init_app(admin)
        spool.init_app(reader)
        with admin.app_context():
            job = spool.enqueue("add", {"a": 1, "b": 2})
            self.assertEqual(spool.result(job["id"], timeout=30), 3)
        with reader.app_context():
            self.assertEqual(spool.get(job["id"])["result"], 3)
            with self.assertRaises(Forbidden):
                spool.enqueue("add", {"a": 1, "b": 2})
        with self.assertRaises(RuntimeError):
            spool.client  # no app context, no app given


if __name__ == "__main__":
    unittest.main()
