from flask import Flask

from planner.core import exports
from planner.core.exports import Exporter, content_disposition, strong_etag


def make_app(calls: list[str]) -> Flask:
    app = Flask(__name__)
    thing = {"name": "Hội nghị Thành ủy", "version": 3}
    exp = Exporter(
        name="test-thing.csv", media_type="text/csv",
        build=lambda t: (calls.append("built"), f"name\n{t['name']}\n".encode())[1],
        filename=lambda t: f"{t['name']}.csv", version=lambda t: t["version"])
    exports.register("test-scope", exp)

    @app.get("/thing")
    def thing_view():
        return exports.send(exports.exporter("test-scope", "test-thing.csv"), thing)

    app.config["thing"] = thing
    return app


def test_download_carries_validators_and_a_safe_file_name():
    calls: list[str] = []
    client = make_app(calls).test_client()
    response = client.get("/thing")
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="Hoi-nghi-Thanh-uy.csv"' in disposition
    assert "filename*=UTF-8''H%E1%BB%99i%20ngh%E1%BB%8B" in disposition
    assert calls == ["built"]


def test_if_none_match_answers_304_without_building():
    calls: list[str] = []
    app = make_app(calls)
    client = app.test_client()
    etag = client.get("/thing").headers["ETag"]
    again = client.get("/thing", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert calls == ["built"]
    app.config["thing"]["version"] = 4
    changed = client.get("/thing", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and calls == ["built", "built"]


def test_etag_is_stable_and_content_disposition_resists_header_injection():
    assert strong_etag("a", 1) == strong_etag("a", 1) != strong_etag("a", 2)
    value = content_disposition('x"\r\nSet-Cookie: a=b.pdf')
    assert "\r" not in value and "\n" not in value
