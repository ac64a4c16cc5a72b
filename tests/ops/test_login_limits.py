"""Failed sign-ins against real gunicorn workers: the count is the database's, so two workers (and two
instances) limit as one. Counted in each worker's memory, two workers let 17 tries through before the
first 429."""

from __future__ import annotations

import requests

from tests.ops.live import Server
from tests.ops.test_outages import _csrf


def test_two_workers_count_failed_sign_ins_as_one(app, app_config, factory):
    org = factory.organization(name="Văn phòng hai worker")
    factory.user(org, role="viewer", email="viewer@workers.vn")
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], app_config["INSTANCE_PATH"], workers=2)
    try:
        client = requests.Session()
        client.headers["Connection"] = "close"   # a new connection each time: either worker may answer it
        fields = {"csrf_token": _csrf(client, server.url), "email": "viewer@workers.vn", "password": "wrong 1"}
        statuses = []
        for _ in range(7):
            response = client.post(f"{server.url}/login", data=fields, allow_redirects=False, timeout=30)
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert response.headers["Retry-After"] == "1", response.headers
                break
        assert statuses == [200] * 5 + [429], statuses
        assert not server.errors(), server.errors()
    finally:
        server.stop()
